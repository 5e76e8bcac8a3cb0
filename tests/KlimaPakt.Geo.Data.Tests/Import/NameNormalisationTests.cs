using KlimaPakt.Geo.Data.Import;
using KlimaPakt.Geo.Data.Import.Readers;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Data.Tests.Import;

public sealed class NameNormalisationTests
{
    [Theory]
    [InlineData("Redange/Attert", "redangeattert")]
    [InlineData("Erpeldange-sur-Sûre", "erpeldangesursure")]
    [InlineData("Vallée de l'Ernz", "valleedelernz")]
    [InlineData("Käerjeng", "kaerjeng")]
    public void NormaliseName_AccentsCaseAndPunctuation_Ignored(string name, string expected) =>
        Assert.Equal(expected, ImportService.NormaliseName(name));

    [Fact]
    public void ParseHstore_GdalOtherTags_KeysValuesAndEscapes()
    {
        var tags = OsmPbfReader.ParseHstore("\"bfs:OBJECTVAL\"=>\"7002\",\"name:de\"=>\"Say \\\"hi\\\"\",\"voltage\"=>\"110000;20000\"").ToDictionary();
        Assert.Equal(3, tags.Count);
        Assert.Equal("7002", tags["bfs:OBJECTVAL"]);
        Assert.Equal("Say \"hi\"", tags["name:de"]);
        Assert.Equal("110000;20000", tags["voltage"]);
    }

    [Fact]
    public void EpsgOf_EsriPrjOfLuref_2169()
    {
        // The .prj text ogr2ogr writes for EPSG:2169 (ESRI WKT, no authority code).
        const string prj = """PROJCS["LUREF_Luxembourg_TM",GEOGCS["GCS_Luxembourg_1930",DATUM["D_Luxembourg_1930",SPHEROID["International_1924",6378388.0,297.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",80000.0],PARAMETER["False_Northing",100000.0],PARAMETER["Central_Meridian",6.16666666666667],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",49.8333333333333],UNIT["Meter",1.0]]""";
        Assert.Equal(2169, CoordinateSystems.EpsgOf(prj));
    }
}
