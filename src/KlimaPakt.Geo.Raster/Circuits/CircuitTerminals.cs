namespace KlimaPakt.Geo.Raster.Circuits;

/// <summary>Where current enters (sources, amperes) and leaves (grounds, 0 V) a grid circuit, as cell lists.</summary>
public sealed class CircuitTerminals
{
    /// <summary>Creates the terminals.</summary>
    /// <param name="sourceCells">Linear cell indices (row × width + column) of the sources.</param>
    /// <param name="sourceAmps">Current injected at each source, amperes.</param>
    /// <param name="groundCells">Linear cell indices of the grounds, ascending.</param>
    public CircuitTerminals(long[] sourceCells, double[] sourceAmps, long[] groundCells)
    {
        ArgumentNullException.ThrowIfNull(sourceCells);
        ArgumentNullException.ThrowIfNull(sourceAmps);
        ArgumentNullException.ThrowIfNull(groundCells);
        if (sourceCells.Length != sourceAmps.Length) throw new ArgumentException("one current per source cell", nameof(sourceAmps));
        for (int i = 1; i < groundCells.Length; i++)
            if (groundCells[i] <= groundCells[i - 1]) throw new ArgumentException("ground cells must be ascending and distinct", nameof(groundCells));
        SourceCells = sourceCells;
        SourceAmps = sourceAmps;
        GroundCells = groundCells;
    }

    /// <summary>Linear cell indices of the sources.</summary>
    public long[] SourceCells { get; }

    /// <summary>Current injected at each source, amperes.</summary>
    public double[] SourceAmps { get; }

    /// <summary>Linear cell indices of the grounds, ascending.</summary>
    public long[] GroundCells { get; }

    /// <summary>True when <paramref name="cell"/> is a ground.</summary>
    /// <param name="cell">Linear cell index.</param>
    public bool IsGround(long cell) => Array.BinarySearch(GroundCells, cell) >= 0;

    /// <summary>Terminals from rasters: sources = non-zero, non-NaN cells (amperes); grounds = non-zero cells.</summary>
    /// <param name="sourceAmps">Source current per cell.</param>
    /// <param name="grounds">Non-zero = ground.</param>
    public static CircuitTerminals FromRasters(ReadOnlySpan<float> sourceAmps, ReadOnlySpan<byte> grounds)
    {
        var cells = new List<long>();
        var amps = new List<double>();
        for (int i = 0; i < sourceAmps.Length; i++)
        {
            float v = sourceAmps[i];
            if (v != 0 && !float.IsNaN(v))
            {
                cells.Add(i);
                amps.Add(v);
            }
        }
        var g = new List<long>();
        for (int i = 0; i < grounds.Length; i++)
            if (grounds[i] != 0) g.Add(i);
        return new CircuitTerminals([.. cells], [.. amps], [.. g]);
    }
}
