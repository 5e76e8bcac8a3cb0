using System.Globalization;
using KlimaPakt.Geo.Core.Errors;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace KlimaPakt.Geo.Data.Import.Readers;

/// <summary>
/// One feature table of a GeoPackage: the SQLite tables are read with Microsoft.Data.Sqlite and the geometry blobs
/// with NetTopologySuite's <see cref="GeoPackageGeoReader"/>. The CRS comes from <c>gpkg_geometry_columns</c>.
/// </summary>
public sealed class GeoPackageFeatureSource : IFeatureSource
{
    private readonly string _table;
    private readonly string _geometryColumn;

    /// <summary>Opens the GeoPackage and finds <paramref name="table"/> (or its only feature table).</summary>
    public GeoPackageFeatureSource(string path, string? table = null, int? sridOverride = null)
    {
        FileChecks.RequireNonEmpty(path);
        Path = path;
        try
        {
            using var connection = Open();
            var tables = new List<(string Table, string Column, int Srid)>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns ORDER BY table_name";
                using var reader = command.ExecuteReader();
                while (reader.Read()) tables.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
            }

            var chosen = table is null
                ? tables.Count == 1 ? tables[0] : throw new GeoInputException($"{path}: holds {tables.Count} feature tables ({string.Join(", ", tables.Select(t => t.Table))}); name one (--table).")
                : tables.FirstOrDefault(t => string.Equals(t.Table, table, StringComparison.OrdinalIgnoreCase)) is { Table: not null } found
                    ? found
                    : throw new GeoInputException($"{path}: no feature table '{table}' (it has {string.Join(", ", tables.Select(t => t.Table))}).");
            (_table, _geometryColumn) = (chosen.Table, chosen.Column);
            Srid = sridOverride ?? (chosen.Srid > 0 ? chosen.Srid
                : throw new GeoInputException($"{path}: table '{chosen.Table}' has an undefined CRS (srs_id {chosen.Srid}); pass its EPSG code (--srid)."));
        }
        catch (SqliteException e)
        {
            throw new GeoInputException($"{path}: not a readable GeoPackage ({e.Message}).", inner: e);
        }
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public int Srid { get; }

    /// <inheritdoc />
    public IEnumerable<FeatureRecord> Read()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{_table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
        using var reader = command.ExecuteReader();
        var geometryReader = new GeoPackageGeoReader();
        var row = 0;
        while (reader.Read())
        {
            row++;
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            NetTopologySuite.Geometries.Geometry? geometry = null;
            string? fid = null;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var name = reader.GetName(i);
                if (reader.IsDBNull(i)) continue;
                if (string.Equals(name, _geometryColumn, StringComparison.OrdinalIgnoreCase))
                {
                    try { geometry = geometryReader.Read((byte[])reader.GetValue(i)); }
                    catch (Exception e) when (e is ArgumentException or ParseException or InvalidOperationException or IndexOutOfRangeException)
                    {
                        throw new GeoInputException($"{Path}: table {_table}, row {row}: unreadable geometry blob ({e.Message}).", inner: e);
                    }
                    geometry.SRID = Srid;
                    continue;
                }
                var text = FeatureRecord.AsText(reader.GetValue(i));
                if (text is null) continue;
                if (fid is null && string.Equals(name, "fid", StringComparison.OrdinalIgnoreCase)) fid = text;
                else attributes[name] = text;
            }
            yield return new FeatureRecord(fid ?? row.ToString(CultureInfo.InvariantCulture), geometry, attributes);
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        return connection;
    }
}
