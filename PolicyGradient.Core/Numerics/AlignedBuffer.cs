using System.Runtime.InteropServices;

namespace PolicyGradient.Numerics;

/// <summary>
/// A fixed number of doubles whose first element sits on a 64-byte boundary — one cache line, one 512-bit register —
/// carved out of an array on the pinned object heap, which never moves an object, so the boundary holds for the
/// buffer's life. Parameters and activations live in these so that a register-wide load or store of a row that starts
/// on a multiple of eight doubles never straddles two cache lines: on an Intel Xeon (AVX-512) a straddling load costs
/// two, and a single-row 64×64 forward pass from unaligned operands took 1.6× as long (docs/benchmarks.md,
/// AlignmentBenchmarks).
/// Alignment changes only the speed, never a result's bits.
/// </summary>
internal sealed class AlignedBuffer
{
    /// <summary>The alignment in bytes.</summary>
    public const int Alignment = 64;

    /// <summary>The longest buffer: the largest .NET array less the slack that finding the boundary needs.</summary>
    public static readonly int MaxLength = Array.MaxLength - Slack;

    private const int Slack = (Alignment / sizeof(double)) - 1; // a double array's data is 8-byte aligned

    private readonly double[] _storage;
    private readonly int _offset;

    /// <summary>A zeroed buffer of <paramref name="length"/> doubles.</summary>
    public AlignedBuffer(int length)
    {
        _storage = GC.AllocateArray<double>(length + Slack, pinned: true);
        GCHandle handle = GCHandle.Alloc(_storage, GCHandleType.Pinned);
        long address = handle.AddrOfPinnedObject();
        handle.Free();
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(double);
        Length = length;
    }

    /// <summary>Doubles in the buffer.</summary>
    public int Length { get; }

    /// <summary>The buffer; its first element is on a 64-byte boundary.</summary>
    public Span<double> Span => _storage.AsSpan(_offset, Length);
}
