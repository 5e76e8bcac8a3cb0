using KlimaPakt.Geo.Api.Features.Problems;

namespace KlimaPakt.Geo.Api.Tests.Features.Problems;

public sealed class ClientTextTests
{
    [Fact]
    public void Clean_PathUnderTheProcessesOwnFolders_ReducedToItsFileName()
    {
        // CI checks out in folders such as /check/work/main: a root outside the usual list is still this server's.
        var own = Path.Combine(Environment.CurrentDirectory, "data", "wind", "speed.tif");
        var temp = Path.Combine(Path.GetTempPath(), "import-1", "communes.geojson");

        Assert.Equal("Unknown wind raster 'speed.tif'.", ClientText.Clean($"Unknown wind raster '{own}'."));
        Assert.Equal("communes.geojson: feature 3 has no geometry", ClientText.Clean($"{temp}: feature 3 has no geometry"));
        Assert.Equal("cannot open shadow", ClientText.Clean("cannot open /etc/shadow"));
    }

    [Fact]
    public void Clean_RequestPathsAndRelativeNames_Kept()
    {
        Assert.Equal("GET /runs/42 answered", ClientText.Clean("GET /runs/42 answered"));
        Assert.Equal("see data/lu/SOURCES.md", ClientText.Clean("see data/lu/SOURCES.md"));
    }

    [Fact]
    public void Clean_LongTextAndControlCharacters_CutAndDropped()
    {
        var cleaned = ClientText.Clean("a\u0007b" + new string('x', 2000), maxLength: 10);
        Assert.Equal("abxxxxxxxx…", cleaned);
    }
}
