using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Raster.Gdal;
using Npgsql;
using NpgsqlTypes;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// Publishes what a computation returned: its GeoTIFFs into the results folder (in parallel), then, in one transaction,
/// every table's rows by binary COPY, their tile pieces, the per-commune figures, the GeoTIFFs' registration and the
/// run's <c>published</c> status — visible together when the transaction commits, or not at all (and then the
/// GeoTIFFs are removed too).
/// </summary>
internal sealed class RunPublisher(NpgsqlDataSource dataSource, ResultsOptions options)
{
    public async Task PublishAsync(RunContext context, RunOutput output, Func<NpgsqlConnection, NpgsqlTransaction, Task> markPublished, CancellationToken ct)
    {
        var run = context.Run;
        var rasters = output.Rasters.Select(r => (r.Name, Path: Path.Combine(options.Directory, $"{run.Kind}_{run.Id:N}_{r.Name}.tif"), r.Write)).ToList();
        try
        {
            if (rasters.Count > 0)
            {
                await context.StageAsync("write rasters", Math.Max(context.CurrentPercent, 90));
                Directory.CreateDirectory(options.Directory);
                await Task.WhenAll(rasters.Select(r => Task.Run(() => r.Write(r.Path), ct)));
                context.Log.Add($"rasters: {string.Join(", ", rasters.Select(r => Path.GetFileName(r.Path)))}");
            }
            await context.StageAsync("publish", Math.Max(context.CurrentPercent, 95));
            run.ResultSha256 = output.ResultSha256;
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var (table, rows) in output.TableRows)
            {
                await table.WriteAsync(connection, run.Id, context.Region.Id, rows, ct);
                await table.WritePiecesAsync(connection, run.Id, ct);
            }
            await WriteFiguresAsync(connection, run.Id, output, ct);
            // Each written GeoTIFF registered under the run's region; it covers the run by construction.
            foreach (var (name, path, _) in rasters)
                await Import.RasterRegistry.UpsertAsync(connection, $"{run.Kind}_{run.Id:N}_{name}", path, GeoTiff.ReadInfo(path), context.Region.Id, 1, ct);
            ct.ThrowIfCancellationRequested();
            await markPublished(connection, tx);
            await tx.CommitAsync(CancellationToken.None);
            context.EndStage();
        }
        catch
        {
            foreach (var r in rasters) File.Delete(r.Path);
            throw;
        }
    }

    private static async Task WriteFiguresAsync(NpgsqlConnection connection, Guid runId, RunOutput output, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {GeoDbContext.ResultsSchema}.commune_metrics (run_id, commune_id, metric, value) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (commune, metric, value) in output.FigureValues)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(runId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(commune, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(metric, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(value, NpgsqlDbType.Double, ct);
        }
        await copy.CompleteAsync(ct);
    }
}
