using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace KlimaPakt.Geo.Core.Projections;

/// <summary>
/// Lon/lat (EPSG:4326, axes lon then lat) ↔ a region's metric CRS in process, with ProjNet. ProjNet has no EPSG
/// database: the CRSs are built from the WKT PostGIS ships in <c>spatial_ref_sys.srtext</c> (the same datum shifts as its
/// <c>proj4text</c>: LUREF's 7-parameter <c>TOWGS84</c>, CH1903+'s 3-parameter one), so the results agree with
/// <c>ST_Transform</c> (PROJ) to a few millimetres inside each CRS's area of use (tested against PostGIS). Known:
/// <see cref="Core.Srid.Luref"/>, <see cref="Core.Srid.Lv95"/> and <see cref="Core.Srid.WebMercator"/>; for other SRIDs
/// <see cref="TryGet"/> says no and callers keep PostGIS's <c>ST_Transform</c>. Thread-safe.
/// </summary>
public sealed class RegionProjection
{
    // EPSG:2169 as in PostGIS 3.3's spatial_ref_sys (srtext), TOWGS84 = proj4text's +towgs84 (position vector, ppm).
    private const string LurefWkt = """
        PROJCS["Luxembourg 1930 / Gauss",GEOGCS["Luxembourg 1930",DATUM["Luxembourg_1930",SPHEROID["International 1924",6378388,297,AUTHORITY["EPSG","7022"]],TOWGS84[-189.6806,18.3463,-42.7695,-0.33746,-3.09264,2.53861,0.4598],AUTHORITY["EPSG","6181"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4181"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",49.83333333333334],PARAMETER["central_meridian",6.166666666666667],PARAMETER["scale_factor",1],PARAMETER["false_easting",80000],PARAMETER["false_northing",100000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","2169"]]
        """;

    // EPSG:2056 as in PostGIS 3.3's spatial_ref_sys (srtext): the Swiss oblique cylindrical projection written as
    // Hotine oblique Mercator (variant B) with azimuth and rectified grid angle 90°, as GDAL writes it in WKT1.
    private const string Lv95Wkt = """
        PROJCS["CH1903+ / LV95",GEOGCS["CH1903+",DATUM["CH1903+",SPHEROID["Bessel 1841",6377397.155,299.1528128,AUTHORITY["EPSG","7004"]],TOWGS84[674.374,15.056,405.346,0,0,0,0],AUTHORITY["EPSG","6150"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4150"]],PROJECTION["Hotine_Oblique_Mercator_Azimuth_Center"],PARAMETER["latitude_of_center",46.95240555555556],PARAMETER["longitude_of_center",7.439583333333333],PARAMETER["azimuth",90],PARAMETER["rectified_grid_angle",90],PARAMETER["scale_factor",1],PARAMETER["false_easting",2600000],PARAMETER["false_northing",1200000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","2056"]]
        """;

    private static readonly ConcurrentDictionary<int, RegionProjection> s_cache = new();

    private readonly MathTransform _forward;
    private readonly MathTransform _inverse;
    private readonly Lock _gate = new(); // ProjNet's transforms keep no promise of thread safety

    private RegionProjection(int srid, CoordinateSystem target, Envelope validLonLat)
    {
        Srid = srid;
        ValidLonLat = validLonLat;
        var factory = new CoordinateTransformationFactory();
        _forward = factory.CreateFromCoordinateSystems(GeographicCoordinateSystem.WGS84, target).MathTransform;
        _inverse = factory.CreateFromCoordinateSystems(target, GeographicCoordinateSystem.WGS84).MathTransform;
    }

    /// <summary>EPSG code of the region CRS.</summary>
    public int Srid { get; }

    /// <summary>
    /// Lon/lat window (degrees) the projection is used in: the CRS's EPSG area of use widened by one degree. Outside it
    /// a transverse or oblique projection drifts from PROJ's and finally diverges, so callers fall back to PostGIS.
    /// </summary>
    public Envelope ValidLonLat { get; }

    /// <summary>The projection to <paramref name="srid"/>, or false when ProjNet is not given that CRS here.</summary>
    /// <param name="srid">EPSG code of the region CRS.</param>
    /// <param name="projection">The projection (cached, shared).</param>
    public static bool TryGet(int srid, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RegionProjection? projection)
    {
        projection = srid switch
        {
            Core.Srid.Luref or Core.Srid.Lv95 or Core.Srid.WebMercator => s_cache.GetOrAdd(srid, Create),
            _ => null,
        };
        return projection is not null;
    }

    /// <summary>Longitude/latitude (degrees, WGS 84) to region CRS coordinates (metres).</summary>
    /// <param name="longitude">Longitude, degrees east.</param>
    /// <param name="latitude">Latitude, degrees north.</param>
    public (double X, double Y) FromLonLat(double longitude, double latitude)
    {
        lock (_gate) return _forward.Transform(longitude, latitude);
    }

    /// <summary>Region CRS coordinates (metres) to longitude/latitude (degrees, WGS 84).</summary>
    /// <param name="x">Easting, metres.</param>
    /// <param name="y">Northing, metres.</param>
    public (double Longitude, double Latitude) ToLonLat(double x, double y)
    {
        lock (_gate) return _inverse.Transform(x, y);
    }

    /// <summary>
    /// The region-CRS envelope that holds a lon/lat box: its edges sampled at <paramref name="pointsPerEdge"/> points
    /// each (a meridian or parallel is curved in the region CRS), transformed, and the sample's envelope widened by
    /// <paramref name="marginMeters"/> (for the curvature between samples, and for straight feature edges that bend
    /// between the two CRSs). Null when the box reaches outside <see cref="ValidLonLat"/>.
    /// </summary>
    /// <param name="lonLat">Box in lon/lat degrees.</param>
    /// <param name="marginMeters">Widening on each side, metres.</param>
    /// <param name="pointsPerEdge">Samples per edge (2 or more).</param>
    public Envelope? EnvelopeOfLonLatBox(Envelope lonLat, double marginMeters, int pointsPerEdge = 32)
    {
        ArgumentNullException.ThrowIfNull(lonLat);
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerEdge, 2);
        if (lonLat.IsNull || !ValidLonLat.Contains(lonLat)) return null;
        var result = new Envelope();
        for (int k = 0; k < pointsPerEdge; k++)
        {
            double t = (double)k / (pointsPerEdge - 1);
            double lon = lonLat.MinX + t * lonLat.Width, lat = lonLat.MinY + t * lonLat.Height;
            foreach (var (x, y) in (ReadOnlySpan<(double, double)>)[(lon, lonLat.MinY), (lon, lonLat.MaxY), (lonLat.MinX, lat), (lonLat.MaxX, lat)])
            {
                var p = FromLonLat(x, y);
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) return null;
                result.ExpandToInclude(p.X, p.Y);
            }
        }
        result.ExpandBy(marginMeters);
        return result;
    }

    private static RegionProjection Create(int srid) => srid switch
    {
        Core.Srid.Luref => new RegionProjection(srid, Parse(LurefWkt), new Envelope(5.73 - 1, 6.53 + 1, 49.44 - 1, 50.19 + 1)),
        Core.Srid.Lv95 => new RegionProjection(srid, Parse(Lv95Wkt), new Envelope(5.96 - 1, 10.49 + 1, 45.82 - 1, 47.81 + 1)),
        Core.Srid.WebMercator => new RegionProjection(srid, ProjectedCoordinateSystem.WebMercator, new Envelope(-180, 180, -85.06, 85.06)),
        _ => throw new ArgumentOutOfRangeException(nameof(srid), $"No WKT for EPSG:{srid}."),
    };

    private static CoordinateSystem Parse(string wkt) => new CoordinateSystemFactory().CreateFromWkt(wkt.Trim());
}
