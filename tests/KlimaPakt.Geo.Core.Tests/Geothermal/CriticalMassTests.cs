using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Geothermal;

namespace KlimaPakt.Geo.Core.Tests.Geothermal;

public sealed class CriticalMassTests
{
    private const float N = float.NaN;

    // A hand-made 5 × 5 heat-density grid [MWh/ha/yr] of 1 ha cells (100 m), threshold 10 MWh/ha:
    //   20 20  0  0 10      A = (0,0) (0,1) (1,0) and (2,1), joined to (1,0) by a corner only: 72 MWh/yr, 4 ha
    //   20  5  0  0  0      B = (0,4), exactly at the threshold (≥ keeps it dense): 10 MWh/yr
    //    0 12  0  0  0      C = (4,0) (4,1): 60 MWh/yr; (4,2) = 9 is below the threshold and splits C from D
    //    0  0  0  0  0      D = (4,3): 40 MWh/yr; NaN = no data
    //   30 30  9 40  N
    private static readonly float[] Grid =
    [
        20, 20, 0, 0, 10,
        20, 5, 0, 0, 0,
        0, 12, 0, 0, 0,
        0, 0, 0, 0, 0,
        30, 30, 9, 40, N,
    ];

    [Fact]
    public void Find_AreaThreshold60Mwh_KeepsTwoAreasWithHandTotals()
    {
        var r = CriticalMass.Find(Grid, 5, 5, 100, 10, 0.06);
        Assert.Equal(2, r.Areas.Count);
        Assert.Equal(new DistrictHeatingArea(1, 4, 4, 72), r.Areas[0]);
        Assert.Equal(new DistrictHeatingArea(2, 2, 2, 60), r.Areas[1]); // exactly at the area threshold: kept
        int[] expected =
        [
            1, 1, 0, 0, 0,
            1, 0, 0, 0, 0,
            0, 1, 0, 0, 0,
            0, 0, 0, 0, 0,
            2, 2, 0, 0, 0,
        ];
        Assert.Equal(expected, r.Labels);
    }

    [Fact]
    public void Find_AreaThresholdZero_KeepsAllFourComponents()
    {
        var r = CriticalMass.Find(Grid, 5, 5, 100, 10, 0);
        Assert.Equal([72.0, 10.0, 60.0, 40.0], r.Areas.Select(a => a.DemandMwhPerYear));
        Assert.Equal([1, 2, 3, 4], r.Areas.Select(a => a.Label));
    }

    [Fact]
    public void Find_DensityThreshold25_OnlyTheDenseRowRemains()
    {
        // ≥ 25 MWh/ha: (4,0), (4,1) form one area (60), (4,3) another (40); area threshold 0.05 GWh keeps the first.
        var r = CriticalMass.Find(Grid, 5, 5, 100, 25, 0.05);
        Assert.Single(r.Areas);
        Assert.Equal(60, r.Areas[0].DemandMwhPerYear);
        Assert.Equal(2, r.Labels.Count(l => l == 1));
    }

    [Fact]
    public void Find_TenMetreCells_ScalesDemandByCellArea()
    {
        // 10 m cells are 0.01 ha: area A holds 72 × 0.01 = 0.72 MWh/yr over 0.04 ha.
        var r = CriticalMass.Find(Grid, 5, 5, 10, 10, 0);
        Assert.Equal(0.72, r.Areas[0].DemandMwhPerYear, 9);
        Assert.Equal(0.04, r.Areas[0].AreaHectares, 12);
    }

    [Fact]
    public void Find_NothingDenseEnough_ReturnsNoAreas()
    {
        var r = CriticalMass.Find(Grid, 5, 5, 100, 1000, 0);
        Assert.Empty(r.Areas);
        Assert.All(r.Labels, l => Assert.Equal(0, l));
    }

    [Fact]
    public void Find_NegativeThreshold_Throws()
    {
        Assert.Throws<GeoInputException>(() => CriticalMass.Find(Grid, 5, 5, 100, -1, 0));
        Assert.Throws<GeoInputException>(() => CriticalMass.Find(Grid, 5, 5, 100, 10, -1));
    }
}
