using KlimaPakt.Geo.Core;
using KlimaPakt.Geo.Core.Projections;
using KlimaPakt.Geo.TestSupport;
using Npgsql;

namespace KlimaPakt.Geo.Data.Tests.Projections;

/// <summary>The in-process ProjNet transforms against PostGIS's <c>ST_Transform</c> (PROJ) on the same server the service uses.</summary>
[Collection(PostGisCollection.Name)]
public sealed class RegionProjectionPostGisTests(BundledDatabaseFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly TestDatabase _db = fixture.Db;

    /// <summary>A lattice of lon/lat points over (and a little beyond) the region.</summary>
    private static List<(double Lon, double Lat)> Lattice(double lon0, double lon1, double lat0, double lat1, int steps)
    {
        var points = new List<(double, double)>();
        for (int i = 0; i <= steps; i++)
            for (int j = 0; j <= steps; j++)
                points.Add((lon0 + (lon1 - lon0) * i / steps, lat0 + (lat1 - lat0) * j / steps));
        return points;
    }

    private async Task<List<(double X, double Y)>> PostGisAsync(IReadOnlyList<(double X, double Y)> points, int from, int to)
    {
        await using var command = _db.DataSource.CreateCommand($"""
            SELECT ST_X(g), ST_Y(g) FROM (
              SELECT k, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), {from}), {to}) AS g FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(x, y, k)
            ) s ORDER BY k
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = points.Select(p => p.X).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = points.Select(p => p.Y).ToArray() });
        var result = new List<(double, double)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add((reader.GetDouble(0), reader.GetDouble(1)));
        return result;
    }

    public static TheoryData<int, double, double, double, double, double> Regions => new()
    {
        // srid, lon range, lat range (the region and ~10 km around it), tolerance in metres
        { Srid.Luref, 5.6, 6.6, 49.4, 50.25, 0.01 },
        { Srid.Lv95, 9.4, 9.7, 47.0, 47.3, 0.05 },
        { Srid.WebMercator, 5.6, 9.7, 47.0, 50.25, 0.01 },
    };

    [Theory]
    [MemberData(nameof(Regions))]
    public async Task FromLonLat_LatticeOverTheRegion_AgreesWithStTransform(int srid, double lon0, double lon1, double lat0, double lat1, double toleranceMeters)
    {
        Assert.True(RegionProjection.TryGet(srid, out var projection));
        var lonLat = Lattice(lon0, lon1, lat0, lat1, 12);

        var expected = await PostGisAsync(lonLat, Srid.Wgs84, srid);

        Assert.Equal(lonLat.Count, expected.Count);
        double worst = 0;
        for (int k = 0; k < lonLat.Count; k++)
        {
            var (x, y) = projection.FromLonLat(lonLat[k].Lon, lonLat[k].Lat);
            double error = Math.Sqrt(Math.Pow(x - expected[k].X, 2) + Math.Pow(y - expected[k].Y, 2));
            worst = Math.Max(worst, error);
            Assert.True(error <= toleranceMeters, $"EPSG:{srid} at {lonLat[k]}: ProjNet ({x:F4}, {y:F4}), PostGIS ({expected[k].X:F4}, {expected[k].Y:F4}), {error:F4} m apart");
        }
        output.WriteLine($"EPSG:{srid}: {expected.Count} points, largest difference {worst * 1000:F2} mm");
    }

    [Theory]
    [MemberData(nameof(Regions))]
    public async Task ToLonLat_LatticeOverTheRegion_AgreesWithStTransform(int srid, double lon0, double lon1, double lat0, double lat1, double toleranceMeters)
    {
        Assert.True(RegionProjection.TryGet(srid, out var projection));
        // Region-CRS points from PostGIS itself, back to lon/lat both ways.
        var metric = await PostGisAsync(Lattice(lon0, lon1, lat0, lat1, 12), Srid.Wgs84, srid);

        var expected = await PostGisAsync(metric, srid, Srid.Wgs84);

        Assert.Equal(metric.Count, expected.Count);
        double worst = 0;
        for (int k = 0; k < metric.Count; k++)
        {
            var (lon, lat) = projection.ToLonLat(metric[k].X, metric[k].Y);
            // Degrees to metres: 111.32 km per degree of latitude, times cos(lat) per degree of longitude.
            double dx = (lon - expected[k].X) * 111_320 * Math.Cos(lat * Math.PI / 180), dy = (lat - expected[k].Y) * 111_320;
            double error = Math.Sqrt(dx * dx + dy * dy);
            worst = Math.Max(worst, error);
            Assert.True(error <= toleranceMeters, $"EPSG:{srid} at {metric[k]}: ProjNet ({lon:F9}, {lat:F9}), PostGIS ({expected[k].X:F9}, {expected[k].Y:F9}), {error:F4} m apart");
        }
        output.WriteLine($"EPSG:{srid}: {expected.Count} points, largest difference {worst * 1000:F2} mm");
    }
}
