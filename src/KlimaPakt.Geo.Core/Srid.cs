namespace KlimaPakt.Geo.Core;

/// <summary>EPSG codes of the coordinate reference systems the service works in.</summary>
public static class Srid
{
    /// <summary>WGS 84 longitude/latitude (GeoJSON per RFC 7946 is CRS84, the same axes order lon/lat).</summary>
    public const int Wgs84 = 4326;

    /// <summary>WGS 84 / Pseudo-Mercator, the vector-tile CRS.</summary>
    public const int WebMercator = 3857;

    /// <summary>LUREF / Luxembourg TM, metres: the working CRS of Luxembourg.</summary>
    public const int Luref = 2169;

    /// <summary>CH1903+ / LV95, metres: the working CRS of Liechtenstein.</summary>
    public const int Lv95 = 2056;
}
