using KlimaPakt.Geo.Core.Projections;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Core.Tests.Projections;

public class RegionProjectionTests
{
    [Theory]
    [InlineData(Srid.Wgs84)]
    [InlineData(31467)]
    public void TryGet_CrsWithoutWkt_False(int srid) => Assert.False(RegionProjection.TryGet(srid, out _));

    [Fact]
    public void FromLonLat_ProjectionOrigins_FalseEastingAndNorthing()
    {
        // The natural origins of the two national grids (EPSG parameters): the false easting and northing, to the
        // datum shift's few hundred metres (LUREF's origin is given on its own datum, not on WGS 84).
        Assert.True(RegionProjection.TryGet(Srid.Luref, out var lu));
        var (x, y) = lu.FromLonLat(6 + 10.0 / 60, 49 + 50.0 / 60);
        Assert.InRange(x, 80_000 - 300, 80_000 + 300);
        Assert.InRange(y, 100_000 - 300, 100_000 + 300);

        // WGS 84 / Pseudo-Mercator: x = R·λ, y = R·ln tan(π/4 + φ/2) on the sphere of radius 6378137 m.
        Assert.True(RegionProjection.TryGet(Srid.WebMercator, out var web));
        var (wx, wy) = web.FromLonLat(6.13, 49.61);
        Assert.Equal(6378137 * 6.13 * Math.PI / 180, wx, 1e-6);
        Assert.Equal(6378137 * Math.Log(Math.Tan(Math.PI / 4 + 49.61 * Math.PI / 360)), wy, 1e-6);
    }

    [Theory]
    [InlineData(Srid.Luref, 6.13, 49.61)]
    [InlineData(Srid.Lv95, 9.52, 47.14)]
    [InlineData(Srid.WebMercator, 9.52, 47.14)]
    public void ToLonLat_AfterFromLonLat_RoundTripsWithinTwoCentimetres(int srid, double lon, double lat)
    {
        Assert.True(RegionProjection.TryGet(srid, out var projection));

        var (x, y) = projection.FromLonLat(lon, lat);
        var (lon2, lat2) = projection.ToLonLat(x, y);

        // 2e-7° ≈ 2 cm: ProjNet's way back through the geocentric datum shift is not exact (about 1 cm on LV95, 3 mm
        // on LUREF here); each direction alone agrees with PROJ to under 7 mm (Data.Tests' RegionProjectionPostGisTests).
        Assert.Equal(lon, lon2, 2e-7);
        Assert.Equal(lat, lat2, 2e-7);
    }

    [Theory]
    [InlineData(Srid.Luref, 5.9, 49.5, 6.4, 50.1)]
    [InlineData(Srid.Lv95, 9.47, 47.05, 9.64, 47.27)]
    public void EnvelopeOfLonLatBox_RegionBox_HoldsEveryTransformedPointOfTheBox(int srid, double x0, double y0, double x1, double y1)
    {
        Assert.True(RegionProjection.TryGet(srid, out var projection));

        var envelope = projection.EnvelopeOfLonLatBox(new Envelope(x0, x1, y0, y1), marginMeters: 0)!;

        // Every point of a fine lattice over the box (edges included) lies inside, up to the sagitta of a parallel
        // between two edge samples (a parallel is curved in both CRSs: under 10 cm at 32 samples over these boxes),
        // and the envelope is tight: the lattice's outermost points are within 1 m of it.
        var inner = new Envelope();
        for (int i = 0; i <= 50; i++)
            for (int j = 0; j <= 50; j++)
            {
                var (x, y) = projection.FromLonLat(x0 + (x1 - x0) * i / 50, y0 + (y1 - y0) * j / 50);
                Assert.True(envelope.Covers(x, y) || Distance(envelope, x, y) < 0.1, $"({x}, {y}) outside {envelope}");
                inner.ExpandToInclude(x, y);
            }
        Assert.True(Math.Abs(inner.MinX - envelope.MinX) < 1 && Math.Abs(inner.MaxX - envelope.MaxX) < 1);
        Assert.True(Math.Abs(inner.MinY - envelope.MinY) < 1 && Math.Abs(inner.MaxY - envelope.MaxY) < 1);
    }

    [Fact]
    public void EnvelopeOfLonLatBox_OutsideTheAreaOfUse_Null()
    {
        Assert.True(RegionProjection.TryGet(Srid.Luref, out var lu));

        Assert.Null(lu.EnvelopeOfLonLatBox(new Envelope(-180, 180, -90, 90), 0));
        Assert.Null(lu.EnvelopeOfLonLatBox(new Envelope(9.5, 9.6, 47.1, 47.2), 0));
    }

    [Fact]
    public void EnvelopeOfLonLatBox_Margin_WidensEachSide()
    {
        Assert.True(RegionProjection.TryGet(Srid.Lv95, out var li));
        var box = new Envelope(9.5, 9.53, 47.12, 47.15);

        var tight = li.EnvelopeOfLonLatBox(box, 0)!;
        var wide = li.EnvelopeOfLonLatBox(box, 250)!;

        Assert.Equal(tight.MinX - 250, wide.MinX, 1e-6);
        Assert.Equal(tight.MaxY + 250, wide.MaxY, 1e-6);
    }

    private static double Distance(Envelope e, double x, double y) =>
        Math.Sqrt(Math.Pow(Math.Max(0, Math.Max(e.MinX - x, x - e.MaxX)), 2) + Math.Pow(Math.Max(0, Math.Max(e.MinY - y, y - e.MaxY)), 2));
}
