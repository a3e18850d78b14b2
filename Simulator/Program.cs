using Svcsim.Cli;

return SvcsimCommand.Run(args);
