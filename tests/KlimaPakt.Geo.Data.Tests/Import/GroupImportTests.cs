using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Import;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Import;

/// <summary>Districts and cooperation spaces: the bundled starter set, CSV and JSON imports, and refused files.</summary>
[Collection(PostGisCollection.Name)]
public sealed class GroupImportTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;
    private GroupImporter Importer => _db.Services.GetRequiredService<GroupImporter>();

    private static string Write(string name, string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("klimapakt-groups-").FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Bundle_LoadsDistrictsAndSpaces_WithTheirMembersAndSources()
    {
        // The communes file's DISTRICT attribute: Diekirch 34, Grevenmacher 22, Luxembourg 44 communes (counted with
        // python over data/lu/admin/lu_communes.geojson), together the 100 communes.
        Assert.Equal(34L, await _db.ScalarAsync<long>("SELECT count(*) FROM commune_group_members m JOIN commune_groups g ON g.id = m.group_id WHERE g.kind = 'district' AND g.code = 'diekirch'"));
        Assert.Equal(100L, await _db.ScalarAsync<long>("SELECT count(DISTINCT commune_id) FROM commune_group_members m JOIN commune_groups g ON g.id = m.group_id WHERE g.kind = 'district'"));
        var groups = await _db.Services.GetRequiredService<GroupFigures>().ListAsync("lu", default);
        var nordstad = Assert.Single(groups, g => g is { Kind: "space", Code: "nordstad" });
        // nordstad.lu/nordstad-fusion: Bettendorf 0601, Diekirch 0603, Erpeldange-sur-Sûre 0604, Ettelbruck 0605, Schieren 0609
        // (their LAU2 codes in data/lu/admin/lu_communes.geojson).
        Assert.Equal(["0601", "0603", "0604", "0605", "0609"], nordstad.Communes);
        Assert.Contains("nordstad.lu", nordstad.Source, StringComparison.Ordinal);
        Assert.Equal(7, Assert.Single(groups, g => g.Code == "naturpark-our").Communes.Count);
        // The 12 cantons come from the communes' attribute.
        Assert.Equal(12, groups.Count(g => g.Kind == "canton"));
        Assert.Equal(GroupFigures.CantonSource, groups.First(g => g.Kind == "canton").Source);
    }

    [Fact]
    public async Task ImportCsv_ByCodeAndName_ReplacesTheGroup()
    {
        var path = Write("test_groups.csv", """
            kind,code,name,commune,source
            space,test-south,Test south,0204,hand-written test list
            space,test-south,Test south,Schifflange,hand-written test list
            """);
        var report = await Importer.ImportAsync("lu", path);
        Assert.Equal(2, report.WrittenByTarget["commune_group_members"]);
        // Re-importing with one member replaces the group instead of adding to it.
        await Importer.ImportAsync("lu", Write("test_groups.csv", "kind,code,name,commune,source\nspace,test-south,Test south,Esch-sur-Alzette,again\n"));
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM commune_group_members m JOIN commune_groups g ON g.id = m.group_id WHERE g.code = 'test-south'"));
        Assert.Equal("again", await _db.ScalarAsync<string>("SELECT source FROM commune_groups WHERE code = 'test-south'"));
        await _db.ScalarAsync<long>("WITH d AS (DELETE FROM commune_groups WHERE code = 'test-south' RETURNING 1) SELECT count(*) FROM d");
    }

    [Fact]
    public async Task Import_UnknownCommune_RefusesTheFileNamingIt()
    {
        var path = Write("bad.json", """{"groups": [{"kind": "space", "code": "x", "name": "X", "source": "test", "communes": ["Diekirch", "Atlantis"]}]}""");
        var e = await Assert.ThrowsAsync<GeoInputException>(() => Importer.ImportAsync("lu", path));
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(e.Details, d => d.Contains("'Atlantis'", StringComparison.Ordinal));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM commune_groups WHERE code = 'x'"));
    }

    [Theory]
    [InlineData("""{"groups": [{"kind": "canton", "code": "x", "name": "X", "source": "s", "communes": ["Diekirch"]}]}""", "kind 'canton'")]
    [InlineData("""{"groups": [{"kind": "space", "code": "X Y", "name": "X", "source": "s", "communes": ["Diekirch"]}]}""", "lower-case")]
    [InlineData("""{"groups": [{"kind": "space", "code": "x", "name": "X", "communes": ["Diekirch"]}]}""", "no source")]
    [InlineData("""{"groups": [{"kind": "space", "code": "x", "name": "X", "source": "s", "communes": []}]}""", "no member")]
    public void Read_InvalidGroup_NamesTheProblem(string json, string expected)
    {
        var e = Assert.Throws<GeoInputException>(() => GroupImporter.Read(Write("g.json", json)));
        Assert.Contains(e.Details, d => d.Contains(expected, StringComparison.Ordinal));
    }
}
