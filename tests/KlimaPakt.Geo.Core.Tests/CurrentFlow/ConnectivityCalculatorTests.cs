using KlimaPakt.Geo.Core.Corridors;
using KlimaPakt.Geo.Core.CurrentFlow;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Tests.CurrentFlow;

public class ConnectivityCalculatorTests
{
    private static readonly GeometryFactory s_f = new(new PrecisionModel(), 2169);

    private static Polygon Box(double x0, double y0, double x1, double y1) =>
        s_f.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);

    // Two communes of 1 km × 1 km side by side (west 11, east 22) on 100 m cells (20 × 10), grassland everywhere.
    private static CorridorInputs Inputs(params ClassedFeature[] more) => new()
    {
        Grid = new GridSpec(2169, 0, 1000, 100, 100, 20, 10),
        Communes = [(11, Box(0, 0, 1000, 1000)), (22, Box(1000, 0, 2000, 1000))],
        LandCover = [new(Box(0, 0, 2000, 1000), "grassland_cropland"), .. more],
    };

    private static Task<ConnectivityResult> RunAsync(CorridorInputs inputs) => ConnectivityCalculator.ComputeAsync(inputs,
        new ConnectivityParameters { CellSizeMeters = 100, RadiusMeters = 500, BlockSize = 1 }.Validate(), (_, _) => Task.CompletedTask, default);

    [Fact]
    public async Task Compute_UniformLandscape_NormalisedCurrentIsOneEverywhere_AllDiffuse()
    {
        // One resistance everywhere: the current of every window is its flow potential, so the ratio is 1 (Omniscape's
        // definition), every cell is diffuse, and each commune's 100 ha are diffuse.
        var result = await RunAsync(Inputs());

        Assert.All(result.NormalisedCurrent.Cells, q => Assert.Equal(1f, q, 1e-4f));
        var diffuse = Assert.Single(result.Classes);
        Assert.Equal(2, diffuse.Class);
        Assert.Equal("diffuse", diffuse.Name);
        Assert.Equal(200e4, diffuse.AreaSquareMeters, 6);
        Assert.Equal([11, 22], result.Communes.Select(c => c.CommuneId));
        Assert.All(result.Communes, c =>
        {
            Assert.Equal(100e4, c.GridSquareMeters, 6);
            Assert.Equal([0, 100e4, 0, 0], c.ClassSquareMeters);
            Assert.Equal(1, c.MeanNormalised, 4);
        });
        Assert.True(result.Solves.Windows == 200 && result.Solves.NotConverged == 0, $"{result.Solves}");
    }

    [Fact]
    public async Task Compute_WallWithOneGap_GapChannelisedWallImpeded()
    {
        // Two communes of 2 km × 2 km on 100 m cells (40 × 20), grassland (20 per metre), a built-up wall (1,000 per
        // metre) three cells thick across the whole height at x 1800–2100 with a grassland passage through it at row 10
        // (y 900–1000), and a window radius of 1 km that reaches across the wall: what crosses the wall crosses mostly
        // in the passage. (Three cells, because a link's conductance is the mean of its two cells': a one-cell wall's
        // links keep half the grassland's conductance.) The passage carries several times the uniform landscape's
        // current (channelised); the wall's middle away from it little (impeded).
        var inputs = new CorridorInputs
        {
            Grid = new GridSpec(2169, 0, 2000, 100, 100, 40, 20),
            Communes = [(11, Box(0, 0, 2000, 2000)), (22, Box(2000, 0, 4000, 2000))],
            LandCover = [new(Box(0, 0, 4000, 2000), "grassland_cropland"), new(Box(1800, 0, 2100, 2000), "built_up"), new(Box(1800, 900, 2100, 1000), "grassland_cropland")],
        };
        var result = await ConnectivityCalculator.ComputeAsync(inputs,
            new ConnectivityParameters { CellSizeMeters = 100, RadiusMeters = 1000, BlockSize = 1 }.Validate(), (_, _) => Task.CompletedTask, default);
        int w = result.NormalisedCurrent.Grid.Width;
        float At(int column, int row) => result.NormalisedCurrent.Cells[row * w + column];
        string Column() => string.Join(" ", Enumerable.Range(0, 20).Select(r => At(19, r).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(result.Resistance.Cells[10 * w + 19] == 20 && result.Resistance.Cells[5 * w + 19] == 1000);
        Assert.True(At(19, 10) >= 2, $"gap {At(19, 10)}; wall column: {Column()}");
        for (int row = 0; row < 20; row++)
            if (Math.Abs(row - 10) >= 3) Assert.True(At(19, row) < 0.7, $"wall row {row}: {At(19, row)}; wall column: {Column()}");
        Assert.Equal(4, result.Parameters.ClassOf(At(19, 10)));
        Assert.Contains(result.Classes, c => c.Class == 4 && c.AreaSquareMeters >= 1e4);
        Assert.Contains(result.Classes, c => c.Class == 1);
        // Per commune: the class areas add up to the commune's area with a current, and over both to the layer's.
        Assert.All(result.Communes, c => Assert.Equal(c.GridSquareMeters, c.ClassSquareMeters.Sum(), 6));
        Assert.Equal(result.Classes.Sum(c => c.AreaSquareMeters), result.Communes.Sum(c => c.GridSquareMeters), 6);
    }

    [Theory]
    [InlineData(0f, 1)]
    [InlineData(0.6999f, 1)]
    [InlineData(0.7f, 2)]
    [InlineData(1.2999f, 2)]
    [InlineData(1.3f, 3)]
    [InlineData(2f, 4)]
    [InlineData(50f, 4)]
    [InlineData(float.NaN, 0)]
    public void ClassOf_DefaultBreaks(float normalised, int expected) =>
        Assert.Equal(expected, new ConnectivityParameters().ClassOf(normalised));

    [Fact]
    public void Validate_EveryBadParameterListed()
    {
        var e = Assert.Throws<GeoInputException>(() => new ConnectivityParameters
        {
            Trame = "purple",
            CellSizeMeters = 5,
            RadiusMeters = -1,
            BlockSize = 2,
            Tolerance = 0,
            ClassBreaks = [1, 1, 2],
        }.Validate());
        Assert.Equal(6, e.Details.Count);
        var ok = new ConnectivityParameters { Trame = " Black " }.Validate();
        Assert.Equal("black", ok.Trame);
        Assert.Equal("bat", ok.Profile!.Name);
    }
}
