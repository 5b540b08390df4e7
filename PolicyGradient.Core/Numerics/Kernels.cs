namespace PolicyGradient.Numerics;

/// <summary>
/// The numeric kernels every layer above is built from. Each operation lives in its own file, takes spans
/// (destination last), checks its arguments once, and dispatches to the widest hardware-accelerated register
/// width (<c>Vector512</c>, <c>Vector256</c>, <c>Vector128</c>) or to its plain scalar twin in
/// <see cref="ScalarKernels"/>, which the tests hold every kernel to. Matrices are row-major.
/// </summary>
public static partial class Kernels
{
}

/// <summary>
/// Plain scalar loops, one per kernel in <see cref="Kernels"/>, written to be read: they are the reference
/// the SIMD kernels are tested against and the path taken when no vector hardware is available.
/// </summary>
public static partial class ScalarKernels
{
}
