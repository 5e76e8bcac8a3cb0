using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Import.Readers;
using Npgsql;
using NpgsqlTypes;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>A feature on its way into a table: target layer, source record and the values picked from its attributes.</summary>
internal sealed record StagedFeature(string Layer, FeatureRecord Feature, string? Name, string? Class, string? Code);

/// <summary>The staging, validation, publishing and bookkeeping steps shared by every import.</summary>
public sealed partial class ImportService
{
    private sealed record RegionRow(int Id, string Code, int Srid);

    private sealed record PublishResult(int Written, List<string> Repaired, List<string> Skipped);

    /// <summary>Streams features into a temporary table with binary COPY (thousands of rows per millisecond).</summary>
    private static async Task<int> StageAsync(NpgsqlConnection connection, IEnumerable<StagedFeature> features, CancellationToken ct)
    {
        await ExecuteAsync(connection, """
            CREATE TEMP TABLE import_staging (
                seq int NOT NULL, layer text NOT NULL, fid text NOT NULL, name text, class text, code text,
                tags hstore NOT NULL, geom geometry) ON COMMIT DROP
            """, ct);
        var count = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY import_staging (seq, layer, fid, name, class, code, tags, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            var seen = new HashSet<FeatureRecord>(ReferenceEqualityComparer.Instance);
            foreach (var f in features)
            {
                if (seen.Add(f.Feature)) count++;
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(count, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(f.Layer, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(f.Feature.Fid, NpgsqlDbType.Text, ct);
                await WriteNullableAsync(writer, f.Name, ct);
                await WriteNullableAsync(writer, f.Class, ct);
                await WriteNullableAsync(writer, f.Code, ct);
                await writer.WriteAsync(f.Feature.Attributes as Dictionary<string, string> ?? new Dictionary<string, string>(f.Feature.Attributes), NpgsqlDbType.Hstore, ct);
                if (f.Feature.Geometry is null) await writer.WriteNullAsync(ct);
                else await writer.WriteAsync(f.Feature.Geometry, NpgsqlDbType.Geometry, ct);
            }
            await writer.CompleteAsync(ct);
        }
        await ExecuteAsync(connection, "CREATE INDEX ON import_staging (layer); ANALYZE import_staging", ct);
        return count;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken ct) =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, NpgsqlDbType.Text, ct);

    /// <summary>
    /// Moves the staged features of one layer into its table: repairs (or rejects) invalid geometries, reprojects to
    /// the region's CRS, normalises to the layer's geometry family, and replaces the rows of the same source.
    /// </summary>
    private static async Task<PublishResult> PublishLayerAsync(NpgsqlConnection connection, InputLayer layer, RegionRow region,
        int sourceId, InvalidGeometryPolicy policy, string path, CancellationToken ct)
    {
        var repaired = await InvalidFeaturesAsync(connection, layer.Name, ct);
        if (repaired.Count > 0 && policy == InvalidGeometryPolicy.Reject)
            throw new GeoInputException($"{path}: {repaired.Count} feature(s) have invalid geometry (import refused; use the repair policy to fix them with ST_MakeValid).", Truncate(repaired));

        await ExecuteAsync(connection, "DROP TABLE IF EXISTS import_ready", ct);
        await ExecuteAsync(connection, $"""
            CREATE TEMP TABLE import_ready ON COMMIT DROP AS
            SELECT seq, fid, name, class, tags, {Normalise(layer.Geometry, "ST_Transform(ST_MakeValid(geom), $1)")} AS geom
            FROM import_staging WHERE layer = $2 AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)
            """, ct, region.Srid, layer.Name);
        var skipped = await ListAsync(connection, """
            SELECT fid || ': ' || CASE WHEN geom IS NULL THEN 'no geometry' ELSE 'empty geometry' END
            FROM import_staging WHERE layer = $1 AND (geom IS NULL OR ST_IsEmpty(geom))
            UNION ALL
            SELECT fid || ': geometry is not a ' || $2 FROM import_ready WHERE ST_IsEmpty(geom)
            """, ct, layer.Name, layer.Geometry.ToString().ToLowerInvariant());

        var (extraColumns, extraValues) = LayerTables.ExtraColumns(layer);
        await ExecuteAsync(connection, $"DELETE FROM {layer.Table} WHERE source_id = $1", ct, sourceId);
        var written = await ExecuteAsync(connection, $"""
            INSERT INTO {layer.Table} (region_id, source_id, source_fid, name, class, tags, geom{extraColumns})
            SELECT $1, $2, fid, name, class, tags, geom{extraValues} FROM import_ready WHERE NOT ST_IsEmpty(geom) ORDER BY seq
            """, ct, region.Id, sourceId);
        return new PublishResult(written, repaired, skipped);
    }

    /// <summary>Upserts staged communes by code and removes the region's communes that the file no longer has.</summary>
    private static async Task<PublishResult> PublishCommunesAsync(NpgsqlConnection connection, RegionRow region, int sourceId, string path, CancellationToken ct)
    {
        var repaired = await InvalidFeaturesAsync(connection, "communes", ct);
        var count = await ScalarAsync<long>(connection, "SELECT count(*) FROM import_staging WHERE layer = 'communes'", ct);
        if (count == 0) throw new GeoInputException($"{path}: no communes found in the file.");
        var written = await ExecuteAsync(connection, $"""
            INSERT INTO communes (region_id, code, name, canton, geom, source_id)
            SELECT $1, code, coalesce(name, code), class, {Normalise(LayerGeometry.Polygon, "ST_Transform(ST_MakeValid(geom), $2)")}, $3
            FROM import_staging WHERE layer = 'communes'
            ON CONFLICT (region_id, code) DO UPDATE
                SET name = excluded.name, canton = excluded.canton, geom = excluded.geom, source_id = excluded.source_id
            """, ct, region.Id, region.Srid, sourceId);
        await ExecuteAsync(connection, """
            DELETE FROM communes WHERE region_id = $1 AND code NOT IN (SELECT code FROM import_staging WHERE layer = 'communes')
            """, ct, region.Id);
        // Cantons staged from the same file (e.g. OSM admin_level 6) name the communes whose interior point they contain.
        await ExecuteAsync(connection, """
            UPDATE communes c SET canton = s.name
            FROM import_staging s
            WHERE s.layer = 'cantons' AND c.region_id = $1 AND c.canton IS NULL
              AND ST_Contains(ST_Transform(ST_MakeValid(s.geom), $2), ST_PointOnSurface(c.geom))
            """, ct, region.Id, region.Srid);
        var empty = await ListAsync(connection, "SELECT code FROM communes WHERE region_id = $1 AND ST_IsEmpty(geom)", ct, region.Id);
        if (empty.Count > 0) throw new GeoInputException($"{path}: communes without an area after repair.", empty);
        return new PublishResult(written, repaired, []);
    }

    private static string Normalise(LayerGeometry geometry, string expression) => geometry switch
    {
        LayerGeometry.Polygon => $"ST_Multi(ST_CollectionExtract({expression}, 3))",
        LayerGeometry.Line => $"ST_Multi(ST_CollectionExtract({expression}, 2))",
        // A charging station or substation mapped as an area becomes a point inside it.
        _ => $"(SELECT CASE WHEN GeometryType(g) = 'POINT' THEN g WHEN ST_IsEmpty(g) THEN 'POINT EMPTY'::geometry ELSE ST_PointOnSurface(g) END FROM (SELECT {expression} AS g) p)",
    };

    private static Task<List<string>> InvalidFeaturesAsync(NpgsqlConnection connection, string layer, CancellationToken ct) =>
        ListAsync(connection, """
            SELECT fid || ': ' || ST_IsValidReason(geom) FROM import_staging
            WHERE layer = $1 AND geom IS NOT NULL AND NOT ST_IsValid(geom) ORDER BY seq
            """, ct, layer);

    private static async Task<RegionRow> RegionAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id, code, srid FROM regions WHERE code = $1", connection) { Parameters = { new() { Value = code } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            throw new NotFoundException($"Unknown region '{code}'. Create it first (klimapakt region create --code {code} --name … --srid …).");
        return new RegionRow(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2));
    }

    private static async Task RequireKnownSridAsync(NpgsqlConnection connection, int srid, string what, CancellationToken ct)
    {
        if (await ScalarAsync<int?>(connection, "SELECT srid FROM spatial_ref_sys WHERE srid = $1", ct, srid) is null)
            throw new GeoInputException($"{what}: unknown EPSG code {srid}.");
    }

    /// <summary>
    /// Records (or re-records) one imported file; <paramref name="sourceName"/> defaults to the file name. A re-import
    /// replaces the provenance fields it declares and keeps the others.
    /// </summary>
    private static Task<int> UpsertSourceAsync(NpgsqlConnection connection, int? regionId, string target, string path, int? srid, int read,
        Provenance? provenance, CancellationToken ct, string? sourceName = null) =>
        ScalarAsync<int>(connection, """
            INSERT INTO import_sources (region_id, target, source_name, path, content_sha256, source_srid, features_read, features_written, features_repaired, imported_at,
                                        licence, attribution, data_date, coverage)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, now(), $8, $9, $10, $11)
            ON CONFLICT (region_id, target, source_name) DO UPDATE SET path = excluded.path, content_sha256 = excluded.content_sha256,
                source_srid = excluded.source_srid, features_read = excluded.features_read, imported_at = excluded.imported_at,
                licence = coalesce(excluded.licence, import_sources.licence), attribution = coalesce(excluded.attribution, import_sources.attribution),
                data_date = coalesce(excluded.data_date, import_sources.data_date), coverage = coalesce(excluded.coverage, import_sources.coverage)
            RETURNING id
            """, ct, (object?)regionId ?? DBNull.Value, target, sourceName ?? Path.GetFileName(path), Path.GetFullPath(path), Sha256Of(path), (object?)srid ?? DBNull.Value, read,
            provenance?.Licence, provenance?.Attribution, provenance?.DataDate, provenance?.Coverage);

    private static Task<int> FinishSourceAsync(NpgsqlConnection connection, int sourceId, int written, int repaired, CancellationToken ct) =>
        ExecuteAsync(connection, "UPDATE import_sources SET features_written = $2, features_repaired = $3 WHERE id = $1", ct, sourceId, written, repaired);

    internal static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<string>();
        while (await reader.ReadAsync(ct)) result.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
        return result;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p ?? DBNull.Value });
        return command;
    }
}
