namespace KlimaPakt.Geo.Api.Tests;

/// <summary>
/// Reads what NTS's MapboxTileReader does not expose: each layer's name, version and extent, and its feature ids
/// (MVT 2.1 protobuf: Tile.layers = 3; Layer.name = 1, features = 2, extent = 5, version = 15; Feature.id = 1).
/// </summary>
public static class MvtInspector
{
    public sealed record LayerInfo(string Name, uint Version, uint Extent, List<ulong> FeatureIds);

    public static List<LayerInfo> Layers(byte[] tile)
    {
        var layers = new List<LayerInfo>();
        var position = 0;
        while (position < tile.Length)
        {
            var (field, wire) = Key(tile, ref position);
            if (field == 3 && wire == 2) layers.Add(Layer(Slice(tile, ref position)));
            else Skip(tile, ref position, wire);
        }
        return layers;
    }

    private static LayerInfo Layer(byte[] data)
    {
        string name = "";
        uint version = 1, extent = 4096;
        var ids = new List<ulong>();
        var position = 0;
        while (position < data.Length)
        {
            var (field, wire) = Key(data, ref position);
            switch (field, wire)
            {
                case (1, 2): name = System.Text.Encoding.UTF8.GetString(Slice(data, ref position)); break;
                case (2, 2): ids.Add(FeatureId(Slice(data, ref position))); break;
                case (5, 0): extent = (uint)Varint(data, ref position); break;
                case (15, 0): version = (uint)Varint(data, ref position); break;
                default: Skip(data, ref position, wire); break;
            }
        }
        return new LayerInfo(name, version, extent, ids);
    }

    private static ulong FeatureId(byte[] data)
    {
        var position = 0;
        while (position < data.Length)
        {
            var (field, wire) = Key(data, ref position);
            if (field == 1 && wire == 0) return Varint(data, ref position);
            Skip(data, ref position, wire);
        }
        return 0;
    }

    private static (int Field, int Wire) Key(byte[] data, ref int position)
    {
        var key = Varint(data, ref position);
        return ((int)(key >> 3), (int)(key & 7));
    }

    private static ulong Varint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    private static byte[] Slice(byte[] data, ref int position)
    {
        var length = (int)Varint(data, ref position);
        var slice = data[position..(position + length)];
        position += length;
        return slice;
    }

    private static void Skip(byte[] data, ref int position, int wire)
    {
        switch (wire)
        {
            case 0: Varint(data, ref position); break;
            case 1: position += 8; break;
            case 2: Slice(data, ref position); break;
            case 5: position += 4; break;
            default: throw new InvalidDataException($"Wire type {wire} in a tile.");
        }
    }
}
