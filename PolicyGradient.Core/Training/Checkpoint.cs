using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;

namespace PolicyGradient.Training;

/// <summary>A checkpoint file that cannot be read: corrupted, truncated, of another version, or inconsistent.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException()
    {
    }

    /// <summary>Creates the exception with a message saying what is wrong.</summary>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public CheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>What a checkpoint holds besides the policy.</summary>
/// <param name="Policy">The policy, θ restored bit for bit.</param>
/// <param name="Task">The task id it was trained on (null if none was recorded).</param>
/// <param name="Metadata">Free string metadata.</param>
/// <param name="Critic">The learned state value saved beside the policy (φ restored bit for bit, with its settings); null if none.</param>
public sealed record CheckpointContents(Policy Policy, string? Task, IReadOnlyDictionary<string, string> Metadata, Critic? Critic = null);

/// <summary>
/// Saves and loads policies as JSON (format 3): the approximator and the head by registry name and settings
/// (<see cref="PolicyRegistry"/>, so there is no type switch here), θ, the task id, string metadata, optionally a
/// learned <see cref="Critic"/> (its approximator by registry name, φ, and its settings), and a SHA-256
/// content hash over a canonical encoding of all of these, verified on load. Doubles are written in their shortest
/// round-trip form, so a round trip is bitwise exact.
/// <list type="bullet">
/// <item>A save writes a temporary file beside the target, flushes it to the disk, renames it into place and flushes the
/// directory, so a crash or power cut leaves the old file or the new one, never a half-written one; the next save to
/// the same path removes temporary files that killed saves left behind. Concurrent saves to one path are not
/// supported.</item>
/// <item>A load refuses, with a message naming what failed: invalid JSON, trailing data, duplicate keys, null values, a
/// hash that does not match, unknown parts, sizes past the approximators' limits (before anything is allocated), and
/// θ of the wrong length or with non-finite values. Format-1 files (no hash) load only with
/// <c>allowUnverified: true</c>.</item>
/// <item>Formats 1 and 2 stored each layer's weights output-major (W: [Out, In]); format 3 stores them as the
/// approximators hold them, input-major (Wᵀ: [In, Out]). An older file is read into the new layout, so it loads as the
/// same function; saved again, it is written as format 3.</item>
/// </list>
/// </summary>
public static class Checkpoint
{
    /// <summary>The format version this code writes.</summary>
    public const int FormatVersion = 3;

    // The last format that stored layer weights output-major.
    private const int LastOutputMajorFormat = 2;

    /// <summary>Writes <paramref name="policy"/> (and a critic, when given) to <paramref name="path"/> atomically and durably.</summary>
    /// <exception cref="ArgumentException">θ or φ holds a NaN or infinite value, the path is empty, or an approximator is not registered.</exception>
    public static void Save(Policy policy, string path, IReadOnlyDictionary<string, string>? metadata = null, string? task = null, Critic? critic = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Serialize(policy, metadata, task, critic); // validates before the file system is touched
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        RemoveStaleTemporaries(full);
        string temporary = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
            FlushDirectory(directory);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Reads a policy written by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointException">The file is corrupted, truncated, of another version, or inconsistent.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static Policy Load(string path) => Read(path).Policy;

    /// <summary>Reads a policy and its metadata.</summary>
    /// <exception cref="CheckpointException">The file is corrupted, truncated, of another version, or inconsistent.</exception>
    public static Policy Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        CheckpointContents contents = Read(path);
        metadata = contents.Metadata;
        return contents.Policy;
    }

    /// <summary>Reads everything a checkpoint holds.</summary>
    /// <param name="path">The file.</param>
    /// <param name="allowUnverified">Also accept format-1 files, which carry no content hash.</param>
    /// <exception cref="CheckpointException">The file is corrupted, truncated, of another version, or inconsistent.</exception>
    public static CheckpointContents Read(string path, bool allowUnverified = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new CheckpointException($"'{path}' is a directory, not a checkpoint file.");
        }

        return Deserialize(File.ReadAllBytes(path), allowUnverified);
    }

    /// <summary>The checkpoint of <paramref name="policy"/> (and a critic, when given) as UTF-8 JSON.</summary>
    /// <exception cref="ArgumentException">θ or φ holds a NaN or infinite value, a metadata key or value is null, or an approximator is not registered.</exception>
    public static byte[] Serialize(Policy policy, IReadOnlyDictionary<string, string>? metadata = null, string? task = null, Critic? critic = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        CheckFinite(policy.Parameters, "θ", nameof(policy));
        CriticContent? criticContent = null;
        if (critic is not null)
        {
            CheckFinite(critic.Parameters, "φ", nameof(critic));
            criticContent = new CriticContent(PolicyRegistry.DescribeApproximator(critic.Approximator), Sorted(critic.Settings), critic.Parameters.ToArray());
        }

        var content = new Content(PolicyRegistry.DescribeApproximator(policy.Approximator), PolicyRegistry.DescribeHead(policy), policy.Parameters.ToArray(), task, Sorted(metadata ?? new Dictionary<string, string>()), criticContent);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("formatVersion", FormatVersion);
            if (task is null)
            {
                json.WriteNull("task");
            }
            else
            {
                json.WriteString("task", task);
            }

            WritePart(json, "approximator", content.Approximator);
            WritePart(json, "head", content.Head);
            WriteParameters(json, content.Parameters);
            WriteStrings(json, "metadata", content.Metadata);
            if (content.Critic is { } c)
            {
                json.WriteStartObject("critic");
                WritePart(json, "approximator", c.Approximator);
                WriteStrings(json, "settings", c.Settings);
                WriteParameters(json, c.Parameters);
                json.WriteEndObject();
            }

            json.WriteString("sha256", content.Hash());
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a checkpoint from UTF-8 JSON written by <see cref="Serialize"/>.</summary>
    /// <exception cref="CheckpointException">The content is corrupted, truncated, of another version, or inconsistent.</exception>
    public static CheckpointContents Deserialize(ReadOnlySpan<byte> utf8Json, bool allowUnverified = false)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..]; // a byte-order mark, as editors on some systems write
        }

        JsonDocument document;
        try
        {
            CheckStrictJson(utf8Json);
            document = JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CheckpointException($"The checkpoint is not valid JSON (corrupted or truncated): {e.Message}", e);
        }

        using (document)
        {
            try
            {
                return ReadRoot(document.RootElement, allowUnverified);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
            {
                throw new CheckpointException($"The checkpoint is inconsistent: {e.Message}", e);
            }
        }
    }

    /// <summary>A short description of a policy, e.g. "mlp-softmax 4→[64, 64]→2".</summary>
    public static string Describe(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Describe();
    }

    private static CheckpointContents ReadRoot(JsonElement root, bool allowUnverified)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException("The checkpoint is not a JSON object.");
        }

        int version = Required(root, "formatVersion").GetInt32();
        Content content = version switch
        {
            FormatVersion or LastOutputMajorFormat => ReadHashed(root, version),
            1 when allowUnverified => ReadVersion1(root),
            1 => throw new CheckpointException("The checkpoint is format 1, which carries no content hash; load it with allowUnverified: true if you trust it, then save it again."),
            _ => throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint has format version {version}; this library reads versions 1 to {FormatVersion}.")),
        };
        Policy policy;
        try
        {
            policy = PolicyRegistry.Create(content.Approximator, content.Head); // sizes checked by the parts before θ is allocated
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"The checkpoint describes a policy that cannot be built: {e.Message}", e);
        }

        if (content.Parameters.Length != policy.ParameterCount)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint holds {content.Parameters.Length} parameters; its policy shape needs {policy.ParameterCount}."));
        }

        content.Parameters.CopyTo(policy.Parameters);
        if (version <= LastOutputMajorFormat)
        {
            PolicyRegistry.FromOutputMajor(policy.Approximator, policy.Parameters[..policy.Approximator.ParameterCount]);
        }

        Critic? critic = null;
        if (content.Critic is { } c)
        {
            try
            {
                critic = Critic.Restore(c.Approximator, c.Settings, c.Parameters);
                if (version <= LastOutputMajorFormat)
                {
                    PolicyRegistry.FromOutputMajor(critic.Approximator, critic.Parameters);
                }
            }
            catch (ArgumentException e)
            {
                throw new CheckpointException($"The checkpoint describes a critic that cannot be built: {e.Message}", e);
            }
        }

        return new CheckpointContents(policy, content.Task, content.Metadata, critic);
    }

    // Formats 2 and 3: the same fields, hashed with their own version number.
    private static Content ReadHashed(JsonElement root, int version)
    {
        var content = new Content(
            ReadPart(Required(root, "approximator"), "approximator"),
            ReadPart(Required(root, "head"), "head"),
            ReadParameters(root),
            Required(root, "task").ValueKind == JsonValueKind.Null ? null : Required(root, "task").GetString(),
            ReadStrings(Required(root, "metadata"), "metadata"),
            root.TryGetProperty("critic", out JsonElement critic) ? ReadCritic(critic) : null,
            version);
        string stored = Required(root, "sha256").GetString() ?? string.Empty, computed = content.Hash();
        if (!string.Equals(stored, computed, StringComparison.Ordinal))
        {
            throw new CheckpointException($"The checkpoint's content hash does not match (stored sha256 {stored}, content hashes to {computed}): the file was changed or corrupted after it was saved.");
        }

        return content;
    }

    // Format 1: kind, approximator, sizes, activation, hiddenSizes, learnLogStd, logStd, parameters, metadata; no hash.
    private static Content ReadVersion1(JsonElement root)
    {
        string kind = Required(root, "kind").GetString() ?? string.Empty, name = Required(root, "approximator").GetString() ?? string.Empty;
        var approximator = new Dictionary<string, string>
        {
            ["inputSize"] = Required(root, "observationSize").GetInt32().ToString(CultureInfo.InvariantCulture),
            ["outputSize"] = Required(root, "outputSize").GetInt32().ToString(CultureInfo.InvariantCulture),
        };
        if (name == "mlp")
        {
            approximator["hiddenSizes"] = string.Join(' ', Required(root, "hiddenSizes").EnumerateArray().Select(e => e.GetInt32()));
            approximator["activation"] = Required(root, "activation").GetString() ?? string.Empty;
        }

        var head = new Dictionary<string, string>();
        if (kind == "gaussian")
        {
            double[] logStd = Required(root, "logStd").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            head["learnLogStd"] = Required(root, "learnLogStd").GetBoolean() ? "true" : "false";
            head["initialLogStd"] = (logStd.Length > 0 ? logStd[0] : 0).ToString("R", CultureInfo.InvariantCulture);
        }

        return new Content(new PartSpec(name, approximator), new PartSpec(kind, head), ReadParameters(root), null, root.TryGetProperty("metadata", out JsonElement m) ? ReadStrings(m, "metadata") : []);
    }

    private static CriticContent ReadCritic(JsonElement critic)
    {
        if (critic.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException("'critic' is not an object.");
        }

        return new CriticContent(ReadPart(Required(critic, "approximator"), "critic.approximator"), ReadStrings(Required(critic, "settings"), "critic.settings"), ReadParameters(critic, "critic.parameters"));
    }

    private static double[] ReadParameters(JsonElement root, string name = "parameters")
    {
        JsonElement array = Required(root, "parameters");
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointException($"'{name}' is not an array.");
        }

        var theta = new double[array.GetArrayLength()];
        int k = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || !double.IsFinite(v))
            {
                throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"{name}[{k}] is not a finite number."));
            }

            theta[k++] = v;
        }

        return theta;
    }

    private static PartSpec ReadPart(JsonElement element, string name) =>
        new(Required(element, "name").GetString() ?? throw new CheckpointException($"'{name}.name' is null."), ReadStrings(Required(element, "settings"), name + ".settings"));

    private static SortedDictionary<string, string> ReadStrings(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException($"'{name}' is not an object of strings.");
        }

        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw new CheckpointException($"'{name}.{property.Name}' is {property.Value.ValueKind}, not a string.");
        }

        return values;
    }

    private static JsonElement Required(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value : throw new CheckpointException($"The checkpoint has no '{name}'.");

    // Refuses duplicate keys in any object (the JSON DOM would silently keep the last); the parser refuses trailing data.
    private static void CheckStrictJson(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var keys = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    keys.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    keys.Pop();
                    break;
                case JsonTokenType.PropertyName when !keys.Peek().Add(reader.GetString()!):
                    throw new CheckpointException($"The checkpoint has the key '{reader.GetString()}' twice in one object.");
            }
        }
    }

    private static void CheckFinite(ReadOnlySpan<double> parameters, string symbol, string paramName)
    {
        for (int k = 0; k < parameters.Length; k++)
        {
            if (!double.IsFinite(parameters[k]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{symbol}[{k}] = {parameters[k]}: a checkpoint stores finite parameters only."), paramName);
            }
        }
    }

    private static void WriteParameters(Utf8JsonWriter json, double[] parameters)
    {
        json.WriteStartArray("parameters");
        foreach (double v in parameters)
        {
            json.WriteNumberValue(v); // shortest round-trip representation
        }

        json.WriteEndArray();
    }

    private static void WritePart(Utf8JsonWriter json, string name, PartSpec part)
    {
        json.WriteStartObject(name);
        json.WriteString("name", part.Name);
        WriteStrings(json, "settings", Sorted(part.Settings));
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, SortedDictionary<string, string> values)
    {
        json.WriteStartObject(name);
        foreach (KeyValuePair<string, string> pair in values)
        {
            json.WriteString(pair.Key, pair.Value);
        }

        json.WriteEndObject();
    }

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> values)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> pair in values)
        {
            sorted[pair.Key ?? throw new ArgumentException("A metadata key is null.", nameof(values))] = pair.Value ?? throw new ArgumentException($"Metadata '{pair.Key}' is null.", nameof(values));
        }

        return sorted;
    }

    // Temporary files of earlier saves to the same path that were killed before their rename: "<name>.<32 hex>.tmp".
    private static void RemoveStaleTemporaries(string full)
    {
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        string prefix = Path.GetFileName(full) + ".";
        foreach (string file in Directory.EnumerateFiles(directory, prefix + "*.tmp"))
        {
            string middle = Path.GetFileName(file)[prefix.Length..^4];
            if (middle.Length == 32 && middle.All(Uri.IsHexDigit))
            {
                File.Delete(file);
            }
        }
    }

    // Makes the rename durable: fsync the directory (POSIX); Windows commits the rename with the file's metadata.
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = NativeMethods.Open(Encoding.UTF8.GetBytes(directory + "\0"), 0); // O_RDONLY
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = NativeMethods.Fsync(fd);
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    /// <summary>A critic in canonical form.</summary>
    private sealed record CriticContent(PartSpec Approximator, SortedDictionary<string, string> Settings, double[] Parameters);

    /// <summary>Everything a checkpoint defines, in canonical form.</summary>
    private sealed record Content(PartSpec Approximator, PartSpec Head, double[] Parameters, string? Task, SortedDictionary<string, string> Metadata, CriticContent? Critic = null, int Version = FormatVersion)
    {
        // SHA-256 over: format version, task, both parts (name and sorted settings), θ as little-endian IEEE bits, sorted metadata,
        // then, only when there is a critic, the tag "critic", its approximator, settings and φ (so files without one hash as before);
        // every string and array length-prefixed, so no two contents share an encoding.
        public string Hash()
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var number = new byte[8];
            void Int(long value)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(number, value);
                hash.AppendData(number);
            }

            void Text(string? value)
            {
                Int(value is null ? -1 : Encoding.UTF8.GetByteCount(value));
                hash.AppendData(Encoding.UTF8.GetBytes(value ?? string.Empty));
            }

            void Strings(IEnumerable<KeyValuePair<string, string>> values)
            {
                var list = values.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
                Int(list.Count);
                foreach (KeyValuePair<string, string> pair in list)
                {
                    Text(pair.Key);
                    Text(pair.Value);
                }
            }

            void Doubles(double[] values)
            {
                Int(values.Length);
                foreach (double v in values)
                {
                    Int(BitConverter.DoubleToInt64Bits(v));
                }
            }

            Int(Version);
            Text(Task);
            Text(Approximator.Name);
            Strings(Approximator.Settings);
            Text(Head.Name);
            Strings(Head.Settings);
            Doubles(Parameters);
            Strings(Metadata);
            if (Critic is { } critic)
            {
                Text("critic");
                Text(critic.Approximator.Name);
                Strings(critic.Approximator.Settings);
                Strings(critic.Settings);
                Doubles(critic.Parameters);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }
}

/// <summary>The POSIX calls that make a rename durable; no native binary ships, libc is the system's.</summary>
internal static class NativeMethods
{
    [DllImport("libc", EntryPoint = "open")]
    internal static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    internal static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    internal static extern int Close(int fd);
}
