using KlimaPakt.Geo.Api.Features.Batches;
using KlimaPakt.Geo.Api.Features.Exports;
using KlimaPakt.Geo.Api.Features.Geothermal;
using KlimaPakt.Geo.Api.Features.Groups;
using KlimaPakt.Geo.Api.Features.Health;
using KlimaPakt.Geo.Api.Features.Limits;
using KlimaPakt.Geo.Api.Features.Map;
using KlimaPakt.Geo.Api.Features.Ogc;
using KlimaPakt.Geo.Api.Features.Problems;
using KlimaPakt.Geo.Api.Features.Regions;
using KlimaPakt.Geo.Api.Features.Reports;
using KlimaPakt.Geo.Api.Features.Runs;
using KlimaPakt.Geo.Api.Features.Security;
using KlimaPakt.Geo.Api.Features.Tiles;
using KlimaPakt.Geo.Data;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddGeoData(GeoDatabase.ResolveConnectionString(builder.Configuration.GetConnectionString("Geo")),
    results => builder.Configuration.GetSection(ResultsOptions.Section).Bind(results),
    runs => builder.Configuration.GetSection(RunOptions.Section).Bind(runs));
builder.Services.AddGeoServing();
builder.Services.AddGeoProblems();
builder.Services.AddGeoSecurity(builder.Configuration);
builder.AddGeoLimits();
builder.Services.AddGeoHealth();
builder.Services.AddRunWorker();
builder.Services.AddOpenApi();
builder.AddTileServing();

var app = builder.Build();

app.UseGeoClientAddress(); // X-Forwarded-For from trusted proxies only
app.UseGeoAudit();        // every write, with its final answer
app.UseGeoProblems();
app.UseStatusCodePages();
app.UseServingEdge();     // compression, CORS
app.UseGeoSecurity();     // API keys → roles
app.UseTileServing();     // output cache (authorised requests only), then rate limits on what it did not answer
app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthApi();
app.MapRegionsApi();
app.MapGroupsApi();
app.MapExportsApi();
app.MapReportsApi();
app.MapRunsApi();
app.MapBatchesApi();
app.MapSecurityApi();
app.MapTilesApi();
app.MapOgcFeaturesApi();
app.MapGeothermalApi();
app.MapMapViewer();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
