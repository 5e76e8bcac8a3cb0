using KlimaPakt.Geo.Raster.Gdal;

namespace KlimaPakt.Geo.Raster.Operations;

/// <summary>Checks that an operation which streams its inputs does not write over one of them.</summary>
internal static class OutputPaths
{
    /// <summary>
    /// Throws when an output names the same file as an input (after making both absolute and following symbolic
    /// links): creating the output would truncate the input while it is still being read, losing it.
    /// </summary>
    /// <exception cref="RasterFileException">An output is one of the inputs.</exception>
    public static void RefuseInputs(IEnumerable<string?> outputs, IEnumerable<string> inputs)
    {
        // One input may be named twice (a layer given two weights, a layer as its own mask): the first spelling is kept.
        var read = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in inputs) read.TryAdd(Canonical(input), input);
        foreach (var output in outputs)
        {
            if (output is not null && read.TryGetValue(Canonical(output), out var input))
                throw new RasterFileException(output, $"is also an input ({input}); writing it would destroy the input while it is read — choose another output path");
        }
    }

    private static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full; // a link loop: left to the open that follows to report
        }
    }
}
