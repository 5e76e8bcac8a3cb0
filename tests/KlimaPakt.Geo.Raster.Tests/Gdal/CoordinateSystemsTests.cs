using System.Text.RegularExpressions;
using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Raster.Tests.Gdal;

public class CoordinateSystemsTests
{
    /// <summary>
    /// GDAL's WKT of each code gives the code back (read from the root authority), and the same WKT without its root
    /// authority is identified by OSR as the same code: the text fast path and PROJ agree.
    /// </summary>
    [Theory]
    [InlineData(2169)]   // LUREF / Luxembourg TM
    [InlineData(2056)]   // CH1903+ / LV95 (Liechtenstein)
    [InlineData(4326)]
    [InlineData(3857)]
    [InlineData(32632)]
    public void EpsgOf_GdalWkt_RootCodeEqualsOsrIdentification(int epsg)
    {
        string wkt = CoordinateSystems.WktOfEpsg(epsg)!;
        Assert.Equal(epsg, CoordinateSystems.EpsgOf(wkt));
        string withoutRoot = Regex.Replace(wkt, @",AUTHORITY\[""EPSG"",""\d+""\]\]$", "]");
        Assert.NotEqual(wkt, withoutRoot);
        Assert.Equal(epsg, CoordinateSystems.EpsgOf(withoutRoot));
    }

    [Fact]
    public void EpsgOf_LastNestedNodeHasAnAuthority_NotTakenForTheRoot()
    {
        // No root authority; the last node (UNIT) carries EPSG 9122, which must not be mistaken for the CRS's code.
        const string wkt = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]]," +
                           "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]]," +
                           "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]]]";
        Assert.Equal(4326, CoordinateSystems.EpsgOf(wkt));
    }

    [Fact]
    public void EpsgOf_Wkt2WithRootId_GivesTheId()
    {
        const string wkt2 = "GEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\",ELLIPSOID[\"WGS 84\",6378137,298.257223563," +
                            "LENGTHUNIT[\"metre\",1]]],PRIMEM[\"Greenwich\",0,ANGLEUNIT[\"degree\",0.0174532925199433]],CS[ellipsoidal,2]," +
                            "AXIS[\"geodetic latitude (Lat)\",north,ORDER[1],ANGLEUNIT[\"degree\",0.0174532925199433]]," +
                            "AXIS[\"geodetic longitude (Lon)\",east,ORDER[2],ANGLEUNIT[\"degree\",0.0174532925199433]]," +
                            "USAGE[SCOPE[\"Horizontal component of 3D system.\"],AREA[\"World.\"],BBOX[-90,-180,90,180]],ID[\"EPSG\",4326]]";
        Assert.Equal(4326, CoordinateSystems.EpsgOf(wkt2));
    }
}
