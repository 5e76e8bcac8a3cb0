using System.Globalization;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Geothermal;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.Geometries;
using Npgsql;

using static KlimaPakt.Geo.Data.Analyses.AnalysisSql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// A point query of the geothermal cadastre: the consultant at a client's door. Every G.POT parameter may be given;
/// what is not given comes from the region's data (T0 from the DEM) or the documented defaults, and each input says
/// where it came from. X/Y are in the region's CRS, or Longitude/Latitude in WGS 84.
/// </summary>
public sealed record BoreholeRequest
{
    /// <summary>Region code; may be left out when X, Y, conductivity and ground temperature are all given.</summary>
    public string? Region { get; init; }

    /// <summary>Easting in the region's CRS [m].</summary>
    public double? X { get; init; }

    /// <summary>Northing in the region's CRS [m].</summary>
    public double? Y { get; init; }

    /// <summary>Longitude, WGS 84 [°] (instead of X/Y).</summary>
    public double? Longitude { get; init; }

    /// <summary>Latitude, WGS 84 [°] (instead of X/Y).</summary>
    public double? Latitude { get; init; }

    /// <summary>Borehole length L [m].</summary>
    public double? LengthMeters { get; init; }

    /// <summary>Ground thermal conductivity λ [W/m/K].</summary>
    public double? ConductivityWattsPerMeterKelvin { get; init; }

    /// <summary>Undisturbed ground temperature T0 [°C].</summary>
    public double? GroundTemperatureCelsius { get; init; }

    /// <summary>Minimum fluid temperature Tlim [°C].</summary>
    public double? FluidTemperatureMinCelsius { get; init; }

    /// <summary>Heating season [days].</summary>
    public double? SeasonDays { get; init; }

    /// <summary>Borehole radius rb [m].</summary>
    public double? BoreholeRadiusMeters { get; init; }

    /// <summary>Pipe radius rp [m].</summary>
    public double? PipeRadiusMeters { get; init; }

    /// <summary>Number of pipes.</summary>
    public int? Pipes { get; init; }

    /// <summary>Grout conductivity [W/m/K].</summary>
    public double? GroutConductivityWattsPerMeterKelvin { get; init; }

    /// <summary>Volumetric heat capacity ρc [J/m³/K].</summary>
    public double? HeatCapacityJoulesPerCubicMeterKelvin { get; init; }

    /// <summary>Borehole thermal resistance Rb [m·K/W] (computed when not given).</summary>
    public double? BoreholeResistanceMeterKelvinPerWatt { get; init; }

    /// <summary>Simulated lifetime [years].</summary>
    public double? LifetimeYears { get; init; }
}

/// <summary>One input of the point query: its value, unit and where it came from.</summary>
/// <param name="Value">Value used.</param>
/// <param name="Unit">Unit.</param>
/// <param name="Source"><c>given</c>, <c>default</c> (r.green.gshp's), <c>assumed</c>, <c>assumed from elevation …</c>, <c>computed …</c>.</param>
public sealed record BoreholeInput(double Value, string? Unit, string Source);

/// <summary>The point query's answer.</summary>
/// <param name="Region">Region code, or null.</param>
/// <param name="Srid">CRS of X/Y, or null without a region.</param>
/// <param name="X">Easting [m].</param>
/// <param name="Y">Northing [m].</param>
/// <param name="Commune">Commune code the point lies in, or null.</param>
/// <param name="PowerWatts">Sustainable yearly-average power of one borehole heat exchanger [W].</param>
/// <param name="EnergyMwhPerYear">Its energy [MWh/yr].</param>
/// <param name="BoreholeResistance">Rb used [m·K/W].</param>
/// <param name="GFunction">The dimensionless G of the paper.</param>
/// <param name="Restricted">Whether a restriction hits the point (null without a region).</param>
/// <param name="Restrictions">The restrictions that hit: layer and strict/limited.</param>
/// <param name="GroundSource"><c>assumed</c> unless λ and T0 were both given.</param>
/// <param name="Inputs">Every input with its value and source.</param>
public sealed record BoreholeAnswer(string? Region, int? Srid, double X, double Y, string? Commune, double PowerWatts, double EnergyMwhPerYear,
    double BoreholeResistance, double GFunction, bool? Restricted, IReadOnlyList<string> Restrictions, string GroundSource,
    IReadOnlyDictionary<string, BoreholeInput> Inputs);

/// <summary>The point query, shared by <c>klimapakt geothermal borehole</c> and <c>GET /geothermal/borehole</c>.</summary>
/// <param name="dataSource">The database.</param>
public sealed class BoreholeQuery(NpgsqlDataSource dataSource)
{
    /// <summary>Answers the query.</summary>
    /// <param name="request">Point and parameters.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="GeoInputException">Missing coordinates, invalid parameters, a point outside the region.</exception>
    /// <exception cref="NotFoundException">Unknown region.</exception>
    public async Task<BoreholeAnswer> AnswerAsync(BoreholeRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool xy = request.X is not null || request.Y is not null, lonLat = request.Longitude is not null || request.Latitude is not null;
        if (xy == lonLat || (xy && (request.X is null || request.Y is null)) || (lonLat && (request.Longitude is null || request.Latitude is null)))
            throw new GeoInputException("Give the point as x and y (in the region's CRS) or as lon and lat, not both.");
        foreach (var v in new[] { request.X, request.Y, request.Longitude, request.Latitude })
            if (v is { } d && !double.IsFinite(d)) throw new GeoInputException("Coordinates must be finite numbers.");
        var defaults = new GeothermalParameters();
        var inputs = new Dictionary<string, BoreholeInput>();
        double Pick(string name, double? given, double fallback, string? unit, string source = "default")
        {
            inputs[name] = given is { } g ? new(g, unit, "given") : new(fallback, unit, source);
            return inputs[name].Value;
        }

        string? region = null, commune = null;
        int? srid = null;
        double x, y;
        bool? restricted = null;
        var hits = new List<string>();
        double? demElevation = null;
        string? demName = null;
        NpgsqlConnection? connection = null;
        try
        {
            if (request.Region is null)
            {
                if (lonLat) throw new GeoInputException("A point given as lon/lat needs a region (its CRS and data).");
                if (request.ConductivityWattsPerMeterKelvin is null || request.GroundTemperatureCelsius is null)
                    throw new GeoInputException("Without a region, give the conductivity and the ground temperature: there are no ground data to read.");
                (x, y) = (request.X!.Value, request.Y!.Value);
            }
            else
            {
                connection = await dataSource.OpenConnectionAsync(ct);
                var row = await FirstAsync(connection, "SELECT id, srid FROM regions WHERE code = $1", ct, r => (Id: r.GetInt32(0), Srid: r.GetInt32(1)), request.Region)
                    ?? throw new NotFoundException($"Unknown region '{Truncate(request.Region)}'.");
                region = request.Region;
                srid = row.Srid;
                (x, y) = lonLat
                    ? (await FirstAsync(connection, "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3) p) q", ct,
                        r => (r.GetDouble(0), r.GetDouble(1)), request.Longitude!.Value, request.Latitude!.Value, row.Srid)).GetValueOrDefault()
                    : (request.X!.Value, request.Y!.Value);
                var point = new GeometryFactory(new PrecisionModel(), row.Srid).CreatePoint(new Coordinate(x, y));
                commune = await ScalarAsync<string>(connection, "SELECT code FROM communes WHERE region_id = $1 AND ST_Covers(geom, $2) ORDER BY code LIMIT 1",
                    ct, row.Id, point)
                    ?? throw new GeoInputException($"The point ({x.ToString("F1", CultureInfo.InvariantCulture)}, {y.ToString("F1", CultureInfo.InvariantCulture)}) " +
                        $"lies outside every commune of region '{region}' (EPSG:{row.Srid}).");
                foreach (var rule in GeothermalRestriction.Defaults)
                {
                    var sql = rule.Layer == GeothermalLayers.Buildings
                        ? "SELECT geom FROM buildings WHERE region_id = $1 AND geom && $2"
                        : GeothermalAnalysis.RestrictionQueries.First(q => q.Layer == rule.Layer).Sql;
                    var window = point.Factory.ToGeometry(new Envelope(x - rule.BufferMeters - 1, x + rule.BufferMeters + 1, y - rule.BufferMeters - 1, y + rule.BufferMeters + 1));
                    if (await ScalarAsync<bool>(connection, $"SELECT EXISTS (SELECT 1 FROM ({sql}) q WHERE ST_DWithin(q.geom, $3, $4))", ct, row.Id, window, point, rule.BufferMeters))
                        hits.Add($"{rule.Layer} ({(rule.Strict ? "strict" : $"limited to {rule.Factor.ToString(CultureInfo.InvariantCulture)}")}, {rule.BufferMeters.ToString(CultureInfo.InvariantCulture)} m)");
                }
                restricted = hits.Count > 0;
                if (request.GroundTemperatureCelsius is null)
                {
                    if (await DemAsync(connection, row.Id, ct) is { } d)
                    {
                        var cell = GeoTiff.ReadOnto(d.Path, new GridSpec(row.Srid, x - 0.5, y + 0.5, 1, 1, 1, 1), Resampling.Bilinear).Cells[0];
                        if (float.IsFinite(cell)) (demElevation, demName) = (cell, d.Name);
                    }
                }
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }

        double lambda = Pick("conductivity", request.ConductivityWattsPerMeterKelvin, defaults.ConductivityWattsPerMeterKelvin, "W/m/K", "assumed");
        double t0 = demElevation is { } z
            ? Pick("groundTemperature", null, defaults.AssumedGroundTemperatureCelsius(z), "°C",
                $"assumed from elevation {z.ToString("F0", CultureInfo.InvariantCulture)} m ({demName}): {defaults.AssumedGroundTemperatureModel()}")
            : Pick("groundTemperature", request.GroundTemperatureCelsius, defaults.GroundTemperatureCelsius, "°C", "assumed");
        var p = defaults with
        {
            BoreholeLengthMeters = Pick("length", request.LengthMeters, defaults.BoreholeLengthMeters, "m"),
            GroundTemperatureCelsius = t0,
            FluidTemperatureMinCelsius = Pick("fluidTemperatureMin", request.FluidTemperatureMinCelsius, defaults.FluidTemperatureMinCelsius, "°C"),
            SeasonDays = Pick("seasonDays", request.SeasonDays, defaults.SeasonDays, "days"),
            BoreholeRadiusMeters = Pick("boreholeRadius", request.BoreholeRadiusMeters, defaults.BoreholeRadiusMeters, "m"),
            PipeRadiusMeters = Pick("pipeRadius", request.PipeRadiusMeters, defaults.PipeRadiusMeters, "m"),
            PipeCount = (int)Pick("pipes", request.Pipes, defaults.PipeCount, null),
            GroutConductivityWattsPerMeterKelvin = Pick("groutConductivity", request.GroutConductivityWattsPerMeterKelvin, defaults.GroutConductivityWattsPerMeterKelvin, "W/m/K"),
            HeatCapacityJoulesPerCubicMeterKelvin = Pick("heatCapacity", request.HeatCapacityJoulesPerCubicMeterKelvin, defaults.HeatCapacityJoulesPerCubicMeterKelvin, "J/m³/K"),
            LifetimeYears = Pick("lifetimeYears", request.LifetimeYears, defaults.LifetimeYears, "years"),
            BoreholeResistanceMeterKelvinPerWatt = request.BoreholeResistanceMeterKelvinPerWatt,
        };
        var problems = p.Problems();
        if (!(lambda > 0) || !double.IsFinite(lambda) || lambda > 10) problems.Add($"Ground conductivity must be in (0, 10] W/m/K (got {lambda}).");
        if (problems.Count > 0) throw new GeoInputException($"Invalid borehole parameters: {string.Join(" ", problems)}", problems);
        double rb = p.BoreholeResistance();
        inputs["boreholeResistance"] = new(rb, "m·K/W", request.BoreholeResistanceMeterKelvinPerWatt is null ? "computed (Shonder & Beck 2000)" : "given");
        bool measured = request.ConductivityWattsPerMeterKelvin is not null && request.GroundTemperatureCelsius is not null;
        return new BoreholeAnswer(region, srid, x, y, commune, p.PowerWatts(lambda), p.EnergyMwhPerYear(lambda), rb, p.GFunction(lambda), restricted, hits,
            measured ? "given" : GeothermalCalculator.AssumedLabel, inputs);
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The SQL's positional arguments come last, as params.")]
    private static async Task<T?> FirstAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct, Func<NpgsqlDataReader, T> map, params object?[] args)
        where T : struct
    {
        await foreach (var row in Read(connection, sql, ct, map, args)) return row;
        return null;
    }
}
