namespace KlimaPakt.Geo.Raster.Kernels;

/// <summary>Which instruction path a kernel runs. All paths give the same result (see each kernel's tolerance).</summary>
public enum KernelPath
{
    /// <summary>The widest vector path the hardware accelerates (Vector512 with AVX-512, else Vector256, else scalar).</summary>
    Best = 0,

    /// <summary>The scalar reference: one cell at a time, the definition the vector paths are tested against.</summary>
    Scalar = 1,

    /// <summary>256-bit vectors (8 float lanes).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors (16 float lanes); emulated in software where AVX-512 is missing.</summary>
    Vector512 = 3,
}
