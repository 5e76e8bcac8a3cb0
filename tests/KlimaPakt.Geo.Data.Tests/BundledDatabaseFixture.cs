using KlimaPakt.Geo.TestSupport;

namespace KlimaPakt.Geo.Data.Tests;

/// <summary>One fresh database with the bundled data for the whole assembly: loaded once, shared by the PostGIS tests.</summary>
public sealed class BundledDatabaseFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;

    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync("klimapakt_test_data", loadBundle: true);

    public async Task DisposeAsync() => await Db.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostGisCollection : ICollectionFixture<BundledDatabaseFixture>
{
    public const string Name = "PostGIS";
}
