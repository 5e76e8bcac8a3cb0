using System.Text;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>The PostgreSQL type of a result column.</summary>
public enum ColumnType
{
    /// <summary><c>integer</c>.</summary>
    Integer,

    /// <summary><c>bigint</c>.</summary>
    BigInt,

    /// <summary><c>double precision</c>.</summary>
    Double,

    /// <summary><c>text</c>.</summary>
    Text,

    /// <summary><c>boolean</c>.</summary>
    Boolean,
}

/// <summary>The geometry a result table stores in its <c>geom</c> column (PostGIS type modifier, no SRID: each region's rows are in its CRS).</summary>
public enum ResultGeometry
{
    /// <summary><c>geometry(Point)</c>.</summary>
    Point,

    /// <summary><c>geometry(LineString)</c>.</summary>
    LineString,

    /// <summary><c>geometry(MultiLineString)</c>.</summary>
    MultiLineString,

    /// <summary><c>geometry(Polygon)</c>.</summary>
    Polygon,

    /// <summary><c>geometry(MultiPolygon)</c>; polygons written to it are wrapped.</summary>
    MultiPolygon,
}

/// <summary>A column of a result table.</summary>
/// <param name="Name">Column name (snake_case, unit suffix such as <c>_km2</c>, <c>_mw</c>, <c>_pct</c>).</param>
/// <param name="Type">PostgreSQL type.</param>
/// <param name="Description">What the value is.</param>
/// <param name="Unit">Unit (km², MW, GWh/yr, %, …), null for counts, codes and names.</param>
/// <param name="Nullable">Whether the column accepts NULL.</param>
public sealed record ResultColumn(string Name, ColumnType Type, string Description, string? Unit = null, bool Nullable = false)
{
    /// <summary>The SQL type name as <c>format_type</c> prints it.</summary>
    public string SqlType => Type switch
    {
        ColumnType.Integer => "integer",
        ColumnType.BigInt => "bigint",
        ColumnType.Double => "double precision",
        ColumnType.Text => "text",
        ColumnType.Boolean => "boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(Type)),
    };

    internal NpgsqlDbType DbType => Type switch
    {
        ColumnType.Integer => NpgsqlDbType.Integer,
        ColumnType.BigInt => NpgsqlDbType.Bigint,
        ColumnType.Double => NpgsqlDbType.Double,
        ColumnType.Text => NpgsqlDbType.Text,
        _ => NpgsqlDbType.Boolean,
    };

    /// <summary>Description with the unit, for field lists and legends (e.g. "Eligible area, km²").</summary>
    public string DescriptionWithUnit => Unit is null ? Description : $"{Description}, {Unit}";
}

/// <summary>
/// A table of an analysis's results in schema <c>results</c>, described once: the DDL (checked against the migrations by a
/// test), the binary COPY that publishes a run's rows, the published layers' field SQL and the tile pieces all come
/// from this description.
/// </summary>
/// <remarks>
/// Every result table has <c>id bigint</c> (identity), <c>run_id uuid</c> and <c>region_id integer</c> (cascading
/// foreign keys: deleting a run or a region deletes its results), optionally <c>commune_id</c>, then its own columns,
/// then <c>geom</c>. A table with <see cref="TilePieces"/> also has <c>{name}_tiles</c>: its polygons cut with
/// <c>ST_Subdivide</c> so that a tile reads only the pieces it touches, not a country-sized MultiPolygon.
/// </remarks>
public abstract class ResultTable
{
    /// <summary>Schema of every result table.</summary>
    public const string Schema = GeoDbContext.ResultsSchema;

    private protected ResultTable(string name, ResultGeometry geometry, bool geometryNullable, bool hasCommune, string? indexColumn, int? tilePieces,
        IReadOnlyList<ResultColumn> columns)
    {
        Name = name;
        Geometry = geometry;
        GeometryNullable = geometryNullable;
        HasCommune = hasCommune;
        IndexColumn = indexColumn;
        TilePieces = tilePieces;
        Columns = columns;
    }

    /// <summary>Table name in <see cref="Schema"/>.</summary>
    public string Name { get; }

    /// <summary><c>results.name</c>.</summary>
    public string QualifiedName => $"{Schema}.{Name}";

    /// <summary>Type of the <c>geom</c> column.</summary>
    public ResultGeometry Geometry { get; }

    /// <summary>Whether <c>geom</c> may be NULL (e.g. an exclusion rule that removed nothing).</summary>
    public bool GeometryNullable { get; }

    /// <summary>Whether rows reference a commune (<c>commune_id</c>).</summary>
    public bool HasCommune { get; }

    /// <summary>Column indexed with <c>run_id</c> (the order features are usually read in), or null.</summary>
    public string? IndexColumn { get; }

    /// <summary>Maximum vertices per tile piece (<c>ST_Subdivide</c>), or null when the table serves tiles from its own rows.</summary>
    public int? TilePieces { get; }

    /// <summary>The table's own columns (without id, run_id, region_id, commune_id and geom).</summary>
    public IReadOnlyList<ResultColumn> Columns { get; }

    /// <summary><c>results.name_tiles</c>, the tile pieces table (when <see cref="TilePieces"/> is set).</summary>
    public string PiecesName => $"{Name}_tiles";

    /// <summary>A column by name.</summary>
    public ResultColumn Column(string name) => Columns.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"Result table {Name} has no column '{name}'.", nameof(name));

    /// <summary>Every column in table order with its SQL type and nullability: the shape the migrations must create.</summary>
    public IEnumerable<(string Name, string SqlType, bool Nullable)> Shape()
    {
        yield return ("id", "bigint", false);
        yield return ("run_id", "uuid", false);
        yield return ("region_id", "integer", false);
        if (HasCommune) yield return ("commune_id", "integer", false);
        foreach (var c in Columns) yield return (c.Name, c.SqlType, c.Nullable);
        yield return ("geom", $"geometry({Geometry})", GeometryNullable);
    }

    /// <summary>The statements that create the table, its indexes and its tile pieces (what a migration runs).</summary>
    public string CreateSql()
    {
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE ").Append(QualifiedName).Append(" (\n")
            .Append("    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n")
            .Append("    run_id uuid NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,\n")
            .Append("    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,\n");
        if (HasCommune) sql.Append("    commune_id integer NOT NULL REFERENCES communes (id) ON DELETE CASCADE,\n");
        foreach (var c in Columns) sql.Append("    ").Append(c.Name).Append(' ').Append(c.SqlType).Append(c.Nullable ? "" : " NOT NULL").Append(",\n");
        sql.Append("    geom geometry(").Append(Geometry).Append(')').Append(GeometryNullable ? "" : " NOT NULL").Append(");\n");
        sql.Append("CREATE INDEX ix_").Append(Name).Append("_run ON ").Append(QualifiedName).Append(" (run_id").Append(IndexColumn is null ? "" : ", " + IndexColumn).Append(");\n");
        sql.Append("CREATE INDEX ix_").Append(Name).Append("_geom ON ").Append(QualifiedName).Append(" USING gist (geom);\n");
        if (TilePieces is not null) sql.Append(CreatePiecesSql());
        return sql.ToString();
    }

    /// <summary>The statements that create the tile pieces table alone.</summary>
    public string CreatePiecesSql() => $"""
        CREATE TABLE {Schema}.{PiecesName} (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            parent_id bigint NOT NULL REFERENCES {QualifiedName} (id) ON DELETE CASCADE,
            run_id uuid NOT NULL,
            region_id integer NOT NULL,
            geom geometry NOT NULL);
        CREATE INDEX ix_{PiecesName}_run ON {Schema}.{PiecesName} (run_id);
        CREATE INDEX ix_{PiecesName}_parent ON {Schema}.{PiecesName} (parent_id);
        CREATE INDEX ix_{PiecesName}_geom ON {Schema}.{PiecesName} USING gist (geom);

        """;

    /// <summary>The <c>DROP TABLE</c> of a migration's Down.</summary>
    public string DropSql() => TilePieces is null ? $"DROP TABLE {QualifiedName};" : $"DROP TABLE {Schema}.{PiecesName}, {QualifiedName};";

    /// <summary>The binary COPY statement of the table's rows.</summary>
    public string CopySql()
    {
        var columns = new List<string> { "run_id", "region_id" };
        if (HasCommune) columns.Add("commune_id");
        columns.AddRange(Columns.Select(c => c.Name));
        columns.Add("geom");
        return $"COPY {QualifiedName} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
    }

    /// <summary>
    /// The relation tiles read: the pieces joined to their row (every column of the row, the piece's geometry, the
    /// piece's id as the feature id and the row's id as <c>fid</c>), or the table itself.
    /// </summary>
    public string TileRelation => TilePieces is null ? QualifiedName : $"""
        (SELECT p.id, p.parent_id AS fid, p.run_id, p.region_id, {string.Concat((HasCommune ? ["commune_id"] : Array.Empty<string>()).Concat(Columns.Select(c => c.Name)).Select(c => $"r.{c}, "))}p.geom
         FROM {Schema}.{PiecesName} p JOIN {QualifiedName} r ON r.id = p.parent_id)
        """;

    /// <summary>Writes this run's tile pieces from its rows (inside the publishing transaction).</summary>
    internal async Task WritePiecesAsync(NpgsqlConnection connection, Guid runId, CancellationToken ct)
    {
        if (TilePieces is not { } vertices) return;
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {Schema}.{PiecesName} (parent_id, run_id, region_id, geom)
            SELECT id, run_id, region_id, ST_Subdivide(geom, {vertices}) FROM {QualifiedName} WHERE run_id = $1 AND geom IS NOT NULL
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Writes <paramref name="rows"/> (of this table's row type) by binary COPY.</summary>
    internal abstract Task<long> WriteAsync(NpgsqlConnection connection, Guid runId, int regionId, System.Collections.IEnumerable rows, CancellationToken ct);
}

/// <summary>A result table whose rows come from values of <typeparamref name="TRow"/>: each column knows how to read its value.</summary>
/// <typeparam name="TRow">The computation's result type for one row.</typeparam>
public sealed class ResultTable<TRow> : ResultTable
{
    private readonly IReadOnlyList<Func<TRow, object?>> _values;
    private readonly Func<TRow, int>? _commune;
    private readonly Func<TRow, Geometry?> _geometry;

    private ResultTable(Builder b) : base(b.Name, b.GeometryKind, b.GeometryNullable, b.Commune is not null, b.Index, b.Pieces, [.. b.Columns.Select(c => c.Column)])
    {
        _values = [.. b.Columns.Select(c => c.Value)];
        _commune = b.Commune;
        _geometry = b.GeometryValue;
    }

    /// <summary>Starts the description of table <paramref name="name"/> whose <c>geom</c> is <paramref name="geometry"/>'s value.</summary>
    public static Builder Create(string name, ResultGeometry kind, Func<TRow, Geometry?> geometry) => new(name, kind, geometry);

    internal override async Task<long> WriteAsync(NpgsqlConnection connection, Guid runId, int regionId, System.Collections.IEnumerable rows, CancellationToken ct)
    {
        long count = 0;
        await using var copy = await connection.BeginBinaryImportAsync(CopySql(), ct);
        foreach (TRow row in rows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(runId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(regionId, NpgsqlDbType.Integer, ct);
            if (_commune is not null) await copy.WriteAsync(_commune(row), NpgsqlDbType.Integer, ct);
            for (int i = 0; i < _values.Count; i++)
            {
                var value = _values[i](row);
                if (value is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(value, Columns[i].DbType, ct);
            }
            var g = _geometry(row);
            if (g is null) await copy.WriteNullAsync(ct);
            else await copy.WriteAsync(Geometry == ResultGeometry.MultiPolygon && g is Polygon p ? g.Factory.CreateMultiPolygon([p]) : g, ct);
            count++;
        }
        await copy.CompleteAsync(ct);
        return count;
    }

    /// <summary>Describes the table column by column.</summary>
    public sealed class Builder
    {
        internal Builder(string name, ResultGeometry kind, Func<TRow, Geometry?> geometry) => (Name, GeometryKind, GeometryValue) = (name, kind, geometry);

        internal string Name { get; }
        internal ResultGeometry GeometryKind { get; }
        internal Func<TRow, Geometry?> GeometryValue { get; }
        internal bool GeometryNullable { get; private set; }
        internal Func<TRow, int>? Commune { get; private set; }
        internal string? Index { get; private set; }
        internal int? Pieces { get; private set; }
        internal List<(ResultColumn Column, Func<TRow, object?> Value)> Columns { get; } = [];

        /// <summary>Rows reference a commune (<c>commune_id</c>).</summary>
        public Builder WithCommune(Func<TRow, int> communeId) { Commune = communeId; return this; }

        /// <summary><c>geom</c> may be NULL.</summary>
        public Builder GeometryOptional() { GeometryNullable = true; return this; }

        /// <summary>Indexes <paramref name="column"/> with <c>run_id</c>.</summary>
        public Builder IndexedBy(string column) { Index = column; return this; }

        /// <summary>Stores tile pieces of at most <paramref name="maxVertices"/> vertices (<c>ST_Subdivide</c>).</summary>
        public Builder WithTilePieces(int maxVertices = 256) { Pieces = maxVertices; return this; }

        /// <summary>A <c>text</c> column.</summary>
        public Builder Text(string name, string description, Func<TRow, string?> value, bool nullable = false) =>
            Add(new(name, ColumnType.Text, description, null, nullable), r => value(r));

        /// <summary>An <c>integer</c> column (counts, ranks, classes).</summary>
        public Builder Integer(string name, string description, Func<TRow, int?> value, bool nullable = false) =>
            Add(new(name, ColumnType.Integer, description, null, nullable), r => value(r));

        /// <summary>A <c>bigint</c> column (ids).</summary>
        public Builder BigInt(string name, string description, Func<TRow, long?> value, bool nullable = false) =>
            Add(new(name, ColumnType.BigInt, description, null, nullable), r => value(r));

        /// <summary>A <c>double precision</c> column with its unit.</summary>
        public Builder Double(string name, string? unit, string description, Func<TRow, double?> value, bool nullable = false) =>
            Add(new(name, ColumnType.Double, description, unit, nullable), r => value(r));

        /// <summary>A <c>boolean</c> column.</summary>
        public Builder Boolean(string name, string description, Func<TRow, bool?> value, bool nullable = false) =>
            Add(new(name, ColumnType.Boolean, description, null, nullable), r => value(r));

        /// <summary>The described table.</summary>
        public ResultTable<TRow> Build() => new(this);

        private Builder Add(ResultColumn column, Func<TRow, object?> value)
        {
            if (Columns.Any(c => c.Column.Name == column.Name)) throw new ArgumentException($"Column '{column.Name}' twice in {Name}.");
            Columns.Add((column, value));
            return this;
        }
    }
}
