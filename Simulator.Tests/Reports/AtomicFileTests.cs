using Svcsim.Reports;

namespace Svcsim.Tests.Reports;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_Write_That_Fails_Halfway_Leaves_The_Previous_File_Whole()
    {
        // Given a file written once
        using var dir = new TempDirectory();
        string path = dir.File("summary.csv");
        AtomicFile.WriteAllText(path, "old,content\n");

        // When a second write dies after writing part of its content
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new,"u8);
            throw new IOException("killed");
        }));

        // Then the old file is intact and no temporary file is left
        Assert.Equal("old,content\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_Successful_Write_Replaces_The_File()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.txt");
        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
