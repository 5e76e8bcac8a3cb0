using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KlimaPakt.Geo.Api.Tests.Features.Security;

/// <summary>Keys and roles on writes: 401 without a key, 403 for a role that may not, a consultant's runs its own; the audit of every write.</summary>
[Collection(ApiCollection.Name)]
public sealed class SecurityApiTests(ApiFixture fixture)
{
    private static readonly object EvRun = new { kind = "ev", region = "lu", communes = new[] { "0204" }, parameters = new { newSites = 1 } };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task PostRun_NoKey_401ProblemAndNoRunCreated()
    {
        var before = await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        using var response = await fixture.Client().PostAsJsonAsync("/runs", EvRun);
        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("needs an API key", problem.GetProperty("detail").GetString());
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before, await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Theory]
    [InlineData("kp_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // well formed, not issued
    [InlineData("hunter2")]
    public async Task PostRun_UnknownKey_401(string key)
    {
        using var bearer = await fixture.Client(key).PostAsJsonAsync("/runs", EvRun);
        Assert.Contains("unknown or revoked", (await ProblemAsync(bearer, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        // The same through X-Api-Key.
        using var client = fixture.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var header = await client.PostAsJsonAsync("/runs", EvRun);
        await ProblemAsync(header, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PostRun_ViewerKey_403()
    {
        using var response = await fixture.Client(fixture.ViewerKey).PostAsJsonAsync("/runs", EvRun);
        Assert.Contains("role 'viewer'", (await ProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Import_ConsultantKey_403_NoKey_401()
    {
        using var content = new MultipartFormDataContent { { new StringContent("{}"), "file", "x.geojson" } };
        using var consultant = await fixture.Client(fixture.ConsultantKey).PostAsync("/regions/lu/layers/railways/imports", content);
        await ProblemAsync(consultant, HttpStatusCode.Forbidden);
        using var anonymous = await fixture.Client().PostAsync("/regions/lu/layers/railways/imports", content);
        await ProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CancelRun_OtherConsultant403_Owner_AndAdmin_Allowed()
    {
        using var created = await fixture.Client(fixture.ConsultantKey).PostAsJsonAsync("/runs", EvRun);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var location = created.Headers.Location!.OriginalString;
        // The run records the key that created it.
        var id = location["/runs/".Length..];
        Assert.Equal("test consultant", await fixture.ScalarAsync<string>(
            $"SELECT k.name FROM analysis_runs r JOIN api_keys k ON k.id = r.created_by_key_id WHERE r.id = '{id}'"));

        using var other = await fixture.Client(fixture.OtherConsultantKey).DeleteAsync(location);
        Assert.Contains("only the runs it started", (await ProblemAsync(other, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        using var viewer = await fixture.Client(fixture.ViewerKey).DeleteAsync(location);
        await ProblemAsync(viewer, HttpStatusCode.Forbidden);
        using var anonymous = await fixture.Client().DeleteAsync(location);
        await ProblemAsync(anonymous, HttpStatusCode.Unauthorized);

        // Its owner and an admin may: 202 while it is queued or running, 409 once it has ended — never 403.
        using var owner = await fixture.Client(fixture.ConsultantKey).DeleteAsync(location);
        Assert.Contains(owner.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict });
        using var admin = await fixture.Client(fixture.AdminKey).DeleteAsync(location);
        Assert.Contains(admin.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict });
    }

    [Fact]
    public async Task Audit_RecordsWritesWithWhoWhatAndAnswer_AdminOnly()
    {
        var marker = Guid.NewGuid();
        using (var refused = await fixture.Client().DeleteAsync($"/runs/{marker}")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var missing = await fixture.Client(fixture.ConsultantKey).DeleteAsync($"/runs/{marker}")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var entries = await fixture.Client(fixture.AdminKey).GetFromJsonAsync<JsonElement>("/audit?limit=1000");
        var mine = entries.EnumerateArray().Where(e => e.GetProperty("path").GetString() == $"/runs/{marker}").ToList();
        Assert.Equal(2, mine.Count);
        Assert.Contains(mine, e => e.GetProperty("actor").GetString() == "anonymous" && e.GetProperty("status").GetInt32() == 401
            && e.GetProperty("method").GetString() == "DELETE" && e.GetProperty("target").GetString() == marker.ToString());
        Assert.Contains(mine, e => e.GetProperty("actor").GetString()!.EndsWith(" test consultant", StringComparison.Ordinal)
            && e.GetProperty("actor").GetString()!.StartsWith("kp_", StringComparison.Ordinal)
            && e.GetProperty("role").GetString() == "consultant" && e.GetProperty("status").GetInt32() == 404);
        Assert.All(mine, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("at").GetString())));

        using var consultant = await fixture.Client(fixture.ConsultantKey).GetAsync("/audit");
        await ProblemAsync(consultant, HttpStatusCode.Forbidden);
        using var anonymous = await fixture.Client().GetAsync("/audit");
        await ProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Keys_AdminCreatesAndRevokes_RevokedKeyRefused_StoredHashed()
    {
        using var created = await fixture.Client(fixture.AdminKey).PostAsJsonAsync("/keys", new { name = "temporary consultant", role = "consultant" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        var prefix = body.GetProperty("key").GetProperty("prefix").GetString()!;
        Assert.StartsWith(prefix, secret);
        // Only the SHA-256 of the key text is stored (computed here independently).
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
        Assert.Equal(sha, await fixture.ScalarAsync<string>($"SELECT sha256 FROM api_keys WHERE prefix = '{prefix}'"));
        Assert.Equal(0L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM api_keys WHERE sha256 = '{secret}' OR name = '{secret}'"));

        using (var works = await fixture.Client(secret).DeleteAsync($"/runs/{Guid.NewGuid()}")) Assert.Equal(HttpStatusCode.NotFound, works.StatusCode);
        using (var consultant = await fixture.Client(fixture.ConsultantKey).PostAsJsonAsync("/keys", new { name = "x", role = "admin" }))
            await ProblemAsync(consultant, HttpStatusCode.Forbidden);
        using (var bad = await fixture.Client(fixture.AdminKey).PostAsJsonAsync("/keys", new { name = "x", role = "superuser" }))
            await ProblemAsync(bad, HttpStatusCode.BadRequest);

        using (var revoke = await fixture.Client(fixture.AdminKey).DeleteAsync($"/keys/{prefix}")) Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var refused = await fixture.Client(secret).DeleteAsync($"/runs/{Guid.NewGuid()}");
        Assert.Contains("unknown or revoked", (await ProblemAsync(refused, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Reads_OpenWithoutKey()
    {
        using var client = fixture.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/regions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/catalog")).StatusCode);
    }
}
