using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Import.Readers;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>
/// Sorts OSM features into the typed layers by their tags (one feature may feed several layers, e.g. a lake is a
/// water body and a land-cover area). Building selection matches GDAL's OSM driver: every multipolygon with a
/// <c>building</c> tag other than <c>no</c>.
/// </summary>
internal sealed class OsmClassifier(int? communeAdminLevel, int? cantonAdminLevel, IReadOnlyList<string>? communeCodeTags)
{
    private static readonly HashSet<string> PowerLineValues = ["line", "minor_line", "cable"];
    private static readonly HashSet<string> WaterValues = ["water", "reservoir", "basin", "riverbank"];
    private readonly IReadOnlyList<string> _codeTags = communeCodeTags ?? ["ref:bfs", "bfs:OBJECTVAL", "ref:INSEE", "ref", "de:amtlicher_gemeindeschluessel"];

    public IEnumerable<StagedFeature> Classify(OsmFeature osm)
    {
        var f = osm.Feature;
        var tags = f.Attributes;
        string? Tag(string key) => tags.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        StagedFeature To(InputLayer layer, string? cls, string? code = null) => new(layer.Name, f, Tag("name"), cls, code);

        switch (osm.DriverLayer)
        {
            case "multipolygons":
                if (Tag("boundary") == "administrative" && int.TryParse(Tag("admin_level"), out var level))
                {
                    if (level == communeAdminLevel) yield return new("communes", f, Tag("name"), null, _codeTags.Select(Tag).FirstOrDefault(c => c is not null) ?? f.Fid);
                    if (level == cantonAdminLevel) yield return new("cantons", f, Tag("name"), null, null);
                }
                if (Tag("building") is { } building && building != "no") yield return To(InputLayer.Buildings, building);
                if (Tag("boundary") is "protected_area" or "national_park" || Tag("leisure") == "nature_reserve")
                    yield return To(InputLayer.ProtectedAreas, Tag("protection_title") ?? Tag("protect_class") ?? Tag("boundary") ?? Tag("leisure"));
                if (Tag("natural") == "water" || WaterValues.Contains(Tag("landuse") ?? "") || Tag("waterway") == "riverbank")
                    yield return To(InputLayer.WaterBodies, Tag("water") ?? Tag("natural") ?? Tag("landuse") ?? Tag("waterway"));
                // An aerodrome area is land cover of class aerodrome whatever else it is tagged with (the wind airport rule).
                if ((Tag("aeroway") == "aerodrome" ? "aerodrome" : Tag("landuse") ?? Tag("natural") ?? Tag("leisure")) is { } cover && Tag("building") is null)
                    yield return To(InputLayer.LandCover, cover);
                if (Tag("amenity") == "charging_station") yield return To(InputLayer.EvChargers, "charging_station");
                if (Tag("power") is { } powerArea and not "line" and not "minor_line") yield return To(InputLayer.PowerSites, powerArea);
                if (Tag("place") is { } placeArea) yield return To(InputLayer.Places, placeArea);
                break;
            case "lines":
            case "multilinestrings":
                if (Tag("highway") is { } highway) yield return To(InputLayer.Roads, highway);
                if (Tag("railway") is { } railway) yield return To(InputLayer.Railways, railway);
                if (Tag("waterway") is { } waterway) yield return To(InputLayer.Waterways, waterway);
                if (Tag("power") is { } power && PowerLineValues.Contains(power)) yield return To(InputLayer.PowerLines, power);
                break;
            case "points":
                if (Tag("place") is { } place) yield return To(InputLayer.Places, place);
                if (Tag("amenity") == "charging_station") yield return To(InputLayer.EvChargers, "charging_station");
                if (Tag("power") is { } powerPoint) yield return To(InputLayer.PowerSites, powerPoint);
                if (Tag("highway") == "street_lamp") yield return To(InputLayer.StreetLamps, Tag("lamp_type") ?? "street_lamp");
                break;
        }
    }
}
