using System.Buffers.Binary;
using System.Text;

namespace PolicyGradient.Benchmarks.Peers;

/// <summary>
/// TorchSharp 0.107.0's libLibTorchSharp.so was linked with GCC 13 and so requires the version GLIBCXX_3.4.32 of
/// libstdc++.so.6, which Debian 12's libstdc++ (GCC 12, up to GLIBCXX_3.4.30) lacks: loading it fails with
/// "version `GLIBCXX_3.4.32' not found". Its only symbol of that version is std::ios_base_library_init(), which GCC 13's
/// &lt;iostream&gt; references without calling it (a ".globl" that pulls in the library's stream initialisation; the
/// older libstdc++ initialises its streams through its own static ios_base::Init objects), so nothing is ever bound to
/// it. This marks that one version requirement weak (VER_FLG_WEAK in its Vernaux entry), which the dynamic loader then
/// tolerates, in the copies of the library inside this program's output folder (never the NuGet cache). It does
/// nothing where the system libstdc++ has the version or the library is already patched.
/// </summary>
internal static class GlibcxxWorkaround
{
    private const string Version = "GLIBCXX_3.4.32";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Patches the output folder's libLibTorchSharp.so copies if needed; call before the first use of torch.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || SystemHasVersion())
        {
            return;
        }

        string directory = AppContext.BaseDirectory;
        foreach (string path in new[]
                 {
                     Path.Combine(directory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                     Path.Combine(directory, "libLibTorchSharp.so"),
                     Path.Combine(directory, "cpu", "libLibTorchSharp.so"),
                 })
        {
            if (File.Exists(path))
            {
                MarkWeak(path);
            }
        }
    }

    private static bool SystemHasVersion()
    {
        foreach (string path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" })
        {
            if (File.Exists(path))
            {
                byte[] bytes = File.ReadAllBytes(path);
                return bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Version + "\0")) >= 0;
            }
        }

        return true; // no libstdc++ where we look: leave the library alone
    }

    // ELF64 little-endian: find SHT_GNU_verneed, walk Verneed → Vernaux, set the weak flag on the entry named Version.
    private static void MarkWeak(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
        {
            return;
        }

        ReadOnlySpan<byte> span = elf;
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(span[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        bool changed = false;
        for (int s = 0; s < shnum; s++)
        {
            int header = checked((int)(shoff + ((long)s * shentsize)));
            if (BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 4)..]) != ShtGnuVerneed)
            {
                continue;
            }

            int offset = checked((int)BinaryPrimitives.ReadInt64LittleEndian(span[(header + 24)..]));
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 40)..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 44)..]);
            int strings = checked((int)BinaryPrimitives.ReadInt64LittleEndian(span[(int)(shoff + ((long)link * shentsize) + 24)..]));
            int need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    int name = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]);
                    int end = span[name..].IndexOf((byte)0);
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]);
                    if (Encoding.ASCII.GetString(elf, name, end) == Version && (flags & VerFlgWeak) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(aux + 4), (ushort)(flags | VerFlgWeak));
                        changed = true;
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }

                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
            }
        }

        if (changed)
        {
            string temporary = path + ".patching";
            File.WriteAllBytes(temporary, elf);
            File.Move(temporary, path, overwrite: true);
        }
    }
}
