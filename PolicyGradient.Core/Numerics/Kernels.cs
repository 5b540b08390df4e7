namespace PolicyGradient.Numerics;

/// <summary>
/// The numeric kernels every layer above is built from. Each operation takes spans (destination last), checks its
/// arguments once (sizes multiplied in 64 bits), and runs one generic body at the widest hardware-accelerated
/// register width (<c>Vector512</c>, <c>Vector256</c>, <c>Vector128</c>, or one lane), chosen in one place
/// (<see cref="Width"/>). Every output is computed by the sequence of operations its scalar twin in
/// <see cref="ScalarKernels"/> defines, so results are bitwise identical on every CPU. Matrices are row-major.
/// </summary>
public static partial class Kernels
{
}
