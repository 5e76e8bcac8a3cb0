using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Data.Tiles;

/// <summary>A region as the tile SQL needs it: its id, its CRS and its extent in Web Mercator.</summary>
/// <param name="Id">Region id.</param>
/// <param name="Code">Region code.</param>
/// <param name="Srid">EPSG code its geometries are stored in.</param>
/// <param name="MercatorExtent">Extent of its communes in EPSG:3857, with a margin; null when it has none yet.</param>
public sealed record TileRegion(int Id, string Code, int Srid, Envelope? MercatorExtent);

/// <summary>
/// Builds the one SQL statement of a tile layer (Martin's template): <c>ST_AsMVT</c> over <c>ST_AsMVTGeom</c> with z, x
/// and y bound as parameters <c>$1</c>, <c>$2</c>, <c>$3</c> (and the run id as <c>$4</c> for run-scoped layers).
/// Regions store geometry in their own CRS, so the statement has one branch per region whose <c>&amp;&amp;</c> filter
/// compares the layer's own <c>geom</c> with the tile envelope transformed to that region's SRID — the GiST index is
/// used. The envelope is first clipped to the region's Mercator extent: a z0 tile transformed to a national
/// Transverse Mercator would leave the projection's domain.
/// </summary>
public static class TileSql
{
    /// <summary>Tile extent in tile units (MVT 2.1 default).</summary>
    public const int Extent = 4096;

    /// <summary>Buffer around the tile in tile units, so that lines and polygons continue across tile edges.</summary>
    public const int Buffer = 64;

    /// <summary>Builds the statement of <paramref name="layer"/> for the given regions.</summary>
    public static string Build(PublishedLayer layer, IReadOnlyList<TileRegion> regions)
    {
        var branches = regions.Where(r => r.MercatorExtent is not null).Select(r => Branch(layer, r)).ToList();
        if (branches.Count == 0) return "SELECT NULL::bytea";
        var sql = new StringBuilder();
        sql.Append("SELECT ST_AsMVT(mvt, '").Append(layer.Name).Append("', ").Append(Extent).Append(", 'geom', 'id') FROM (\n");
        sql.AppendJoin("\n  UNION ALL\n", branches);
        sql.Append("\n) AS mvt WHERE mvt.geom IS NOT NULL");
        return sql.ToString();
    }

    private static string Branch(PublishedLayer layer, TileRegion region)
    {
        var e = region.MercatorExtent!;
        var clip = string.Create(CultureInfo.InvariantCulture,
            $"ST_MakeEnvelope({e.MinX:R}, {e.MinY:R}, {e.MaxX:R}, {e.MaxY:R}, {Srid.WebMercator})");
        var envelope = $"ST_TileEnvelope($1, $2, $3, margin => {Buffer}.0 / {Extent})";
        var properties = string.Concat(layer.Fields.Select(f => $"{f.Sql} AS \"{f.Name}\", "));
        var geometry = GeometryForZoom(layer);
        var run = layer.IsRunScoped ? " AND t.run_id = ANY($4)" : "";
        return $"""
              SELECT t.id, {properties}ST_AsMVTGeom(ST_Transform({geometry}, {Srid.WebMercator}), ST_TileEnvelope($1, $2, $3), {Extent}, {Buffer}, true) AS geom
              FROM {layer.TileRelation ?? layer.Relation} AS t
              WHERE t.region_id = {region.Id}{run}
                AND t.geom && ST_Transform(ST_ClipByBox2D({envelope}, {clip}), {region.Srid})
            """;
    }

    /// <summary>The geometry expression for zoom <c>$1</c>: a generalised column at low zooms, else <c>t.geom</c>.</summary>
    private static string GeometryForZoom(PublishedLayer layer)
    {
        if (layer.Generalised.Count == 0) return "t.geom";
        var cases = string.Concat(layer.Generalised.OrderBy(g => g.MaxZoom).Select(g => $"WHEN $1 <= {g.MaxZoom} THEN t.{g.Column} "));
        return $"CASE {cases}ELSE t.geom END";
    }
}
