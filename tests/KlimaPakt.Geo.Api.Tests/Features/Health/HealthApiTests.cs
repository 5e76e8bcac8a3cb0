using System.Net;
using System.Text.Json;

namespace KlimaPakt.Geo.Api.Tests.Features.Health;

[Collection(ApiCollection.Name)]
public sealed class HealthApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Health_DatabaseMigrated_ReportsHealthy()
    {
        using var response = await fixture.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheServingEndpoints()
    {
        using var response = await fixture.Client().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = body.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/regions/{region}/communes", paths);
        Assert.Contains("/tiles/{layers}/{z}/{x}/{y}", paths);
        Assert.Contains("/collections/{collection}/items", paths);
    }

    [Fact]
    public async Task Scalar_Docs_AreServed()
    {
        using var response = await fixture.Client().GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task DatabaseFailure_Answers500_WithoutDatabaseText()
    {
        using var response = await fixture.Client().GetAsync($"/collections/{ApiFixture.BrokenLayer}/items");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("division", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("22012", text);
        Assert.DoesNotContain("SELECT", text, StringComparison.OrdinalIgnoreCase);
    }
}
