<#
.SYNOPSIS
Builds svcsim and runs, validates or sweeps scenarios with it; exits with svcsim's exit code.

.DESCRIPTION
The entry point for automation. It builds the simulator once (dotnet build Simulator/Simulator.csproj -c Release,
quietly: the build's output is shown only when it fails), then runs the built svcsim
(dotnet Simulator/bin/Release/net10.0/svcsim.dll) with these parameters translated to its options:

  default     svcsim run SCENARIO... [--out] [--replications] [--parallel] [--set]...
  -Validate   svcsim validate SCENARIO... [--set]...
  -Sweep F    svcsim sweep F [--param]... [--shard] [--out] [--replications] [--parallel] [--set]...

Exit codes are svcsim's: 0 success, 1 a failure while running (or the build failed), 2 invalid input (a scenario,
a manifest, an option, or a combination of this script's parameters that means nothing).

Run it through the PowerShell local tool from anywhere inside the repository:

  dotnet tool restore
  dotnet pwsh -NoProfile -File run.ps1 [parameters]

The build, the simulator and the default scenario are found relative to this script's folder, so the current
directory does not matter. A relative scenario path is taken from the current directory when it exists there,
otherwise from this script's folder (so -Scenario Scenarios/worker-crash.yaml works from any folder of the
repository). -Out is relative to the current directory.

Several values for one parameter: from PowerShell pass an array (-Set duration=60s, replications=5). With
pwsh -File every parameter receives one string, so several values are joined by commas in one argument
(-Set duration=60s,replications=5); the script splits it again before each new path=, and never inside brackets
or inside a value (-Param clients[0].rate=100/s,200/s,controlPlane.nodeMonitorGracePeriod=40s,50s is two swept
parameters). Repeating a parameter (-Set a=1 -Set b=2) is refused by PowerShell itself.

.PARAMETER Scenario
Scenario files to run or validate; globs such as Scenarios/*.yaml work. Default: Scenarios/seed.yaml.

.PARAMETER Sweep
A scenario to sweep instead of run: svcsim sweep over the grid of -Param values (or the scenario's sweep section).

.PARAMETER Param
With -Sweep: swept parameters, each path=value1,value2 (svcsim sweep --param).

.PARAMETER Shard
With -Sweep: run only shard I of N, written I/N (svcsim sweep --shard); join shard folders with svcsim merge.

.PARAMETER Out
Output folder (svcsim's default when left out: out for a run, out/sweep-NAME for a sweep).

.PARAMETER Replications
Independent replications, overriding the scenario's (a whole number of at least 1).

.PARAMETER Parallel
Simulations run at once (default: the number of cores). Results do not depend on it.

.PARAMETER Set
Scenario overrides, each path=value: duration=60s, clients[0].rate=500/s, controlPlane.nodeMonitorGracePeriod=40s.

.PARAMETER Validate
Only check the scenarios and the manifests they name (svcsim validate); nothing is run or written.

.PARAMETER NoBuild
Skip the build and use the svcsim already built in Simulator/bin/Release/net10.0 (for a pipeline that built it in an
earlier step).

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1
Runs Scenarios/seed.yaml as written and writes out/seed/ (CSV files, plots, report.html).

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1 -Scenario Scenarios/worker-crash.yaml -Set duration=4m,measurement.warmup=20s -Replications 5 -Out results
Runs the worker-crash scenario shortened to four minutes, five replications, into results/worker-crash/.

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1 -Validate -Scenario 'Scenarios/*.yaml'
Checks every example scenario; exit code 2 and file:line:column messages when one is invalid.

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1 -Sweep Scenarios/worker-crash.yaml -Param clients[0].rate=100/s,200/s,controlPlane.nodeMonitorGracePeriod=40s,50s -Out out/grid
Sweeps two parameters over a 2 x 2 grid into out/grid (sweep.csv, sweep_ci.csv, plots, report.html). Run again after
an interruption: finished points are reused.

.EXAMPLE
./run.ps1 -Sweep Scenarios/seed.yaml -Param 'clients[0].rate=100/s,200/s' -Shard 2/4 -Out shard-2
From a PowerShell prompt: shard 2 of 4 of a sweep; svcsim merge --out all shard-1 shard-2 shard-3 shard-4 joins them.
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [string[]] $Scenario = @('Scenarios/seed.yaml'),
    [string] $Sweep,
    [string[]] $Param = @(),
    [string] $Shard,
    [string] $Out,
    [string] $Replications,
    [string] $Parallel,
    [string[]] $Set = @(),
    [switch] $Validate,
    [switch] $NoBuild,
    # Anything else: caught here so that it is reported with exit code 2 rather than bound by position.
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Unexpected = @()
)

$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false  # native exit codes are handled below
Set-StrictMode -Version Latest

$ExitInvalidInput = 2
$ExitRuntimeFailure = 1
$repo = $PSScriptRoot

function Stop-Invalid([string] $message) {
    [Console]::Error.WriteLine("run.ps1: $message (see: Get-Help ./run.ps1 -Full)")
    exit $ExitInvalidInput
}

# Splits 'a=1,b=[x, y],c=2' (several values joined in one pwsh -File argument) before each top-level comma that
# starts a new path=; commas inside brackets or inside a value (100/s,200/s) stay.
function Split-Assignments([string[]] $items) {
    foreach ($item in $items) {
        $depth = 0
        $start = 0
        for ($i = 0; $i -lt $item.Length; $i++) {
            $c = $item[$i]
            if ('([{'.Contains($c)) { $depth++ }
            elseif (')]}'.Contains($c)) { $depth-- }
            elseif ($c -eq ',' -and $depth -eq 0 -and $item.Substring($i + 1) -match '^\s*[A-Za-z_][\w.\[\]]*\s*=') {
                $item.Substring($start, $i - $start).Trim()
                $start = $i + 1
            }
        }
        $item.Substring($start).Trim()
    }
}

# A scenario path or glob: as given when it exists from the current directory, else from this script's folder.
function Resolve-Scenario([string] $path) {
    if ([System.IO.Path]::IsPathRooted($path) -or (Test-Path -Path $path)) {
        return $path
    }
    $fromRepo = Join-Path $repo $path
    if (Test-Path -Path $fromRepo) {
        return $fromRepo
    }
    return $path  # svcsim says it does not exist, with exit code 2
}

# ---- Parameters to svcsim options ------------------------------------------------------------------------------
if ($Unexpected.Count -gt 0 -and $Unexpected[0].StartsWith('-')) {
    Stop-Invalid "unknown parameter '$($Unexpected[0])'"
}
if ($Unexpected.Count -gt 0) {
    Stop-Invalid "unexpected argument '$($Unexpected[0])': name every parameter; with pwsh -File give several values to one parameter joined by commas (-Set duration=60s,replications=5)"
}
$given = $PSBoundParameters
if ($Validate -and $Sweep) { Stop-Invalid '-Validate and -Sweep cannot be used together' }
if (-not $Sweep) {
    foreach ($name in 'Param', 'Shard') {
        if ($given.ContainsKey($name)) { Stop-Invalid "-$name only applies to -Sweep" }
    }
}
if ($Sweep -and $given.ContainsKey('Scenario')) { Stop-Invalid '-Sweep takes its scenario itself; leave out -Scenario' }
if ($Validate) {
    foreach ($name in 'Out', 'Parallel') {
        if ($given.ContainsKey($name)) { Stop-Invalid "-$name has no meaning with -Validate, which writes and runs nothing" }
    }
}

$scenarios = @($Scenario | ForEach-Object { $_.Split(',') } | ForEach-Object { $_.Trim() } | Where-Object { $_ } | ForEach-Object { Resolve-Scenario $_ })
$sets = @(Split-Assignments $Set)
$svcsimArgs = [System.Collections.Generic.List[string]]::new()
if ($Validate) {
    $svcsimArgs.Add('validate')
    foreach ($s in $scenarios) { $svcsimArgs.Add($s) }
    if ($given.ContainsKey('Replications')) { $sets += "replications=$Replications" }
}
elseif ($Sweep) {
    $svcsimArgs.Add('sweep')
    $svcsimArgs.Add((Resolve-Scenario $Sweep))
    foreach ($p in @(Split-Assignments $Param)) { $svcsimArgs.Add('--param'); $svcsimArgs.Add($p) }
    if ($Shard) { $svcsimArgs.Add('--shard'); $svcsimArgs.Add($Shard) }
}
else {
    $svcsimArgs.Add('run')
    foreach ($s in $scenarios) { $svcsimArgs.Add($s) }
}
if (-not $Validate) {
    if ($Out) { $svcsimArgs.Add('--out'); $svcsimArgs.Add($Out) }
    if ($given.ContainsKey('Replications')) { $svcsimArgs.Add('--replications'); $svcsimArgs.Add($Replications) }
    if ($given.ContainsKey('Parallel')) { $svcsimArgs.Add('--parallel'); $svcsimArgs.Add($Parallel) }
}
foreach ($s in $sets) { $svcsimArgs.Add('--set'); $svcsimArgs.Add($s) }

# ---- Build once, quietly ---------------------------------------------------------------------------------------
$project = Join-Path $repo 'Simulator/Simulator.csproj'
$dll = Join-Path $repo 'Simulator/bin/Release/net10.0/svcsim.dll'
if (-not $NoBuild) {
    $log = & dotnet build $project -c Release -nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        [Console]::Error.WriteLine("run.ps1: dotnet build $project failed (exit code $LASTEXITCODE)")
        exit $ExitRuntimeFailure
    }
}
if (-not (Test-Path -Path $dll -PathType Leaf)) {
    [Console]::Error.WriteLine("run.ps1: $dll is missing; run without -NoBuild")
    exit $ExitRuntimeFailure
}

# ---- Run -------------------------------------------------------------------------------------------------------
& dotnet $dll @svcsimArgs
exit $LASTEXITCODE
