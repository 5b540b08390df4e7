using System.IO.Compression;
using System.Text.Json;
using PolicyGradient.Environments;

namespace PolicyGradient.Tests.Environments;

/// <summary>
/// Replays every step recorded from Gymnasium's own code (files in Reference/gymnasium/, *.json or *.json.gz;
/// drop more in and they are picked up) from its recorded state — teacher forcing, as the reference's README
/// advises — and requires the observation, reward, both flags and the next internal state to be bit-identical.
/// </summary>
[TestFixture]
[Category("GymnasiumParity")]
public class GymnasiumParityTests
{
    private static readonly string[] TaskIds = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1", "MountainCarContinuous-v0"];

    private static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", "gymnasium");

    public static IEnumerable<TestCaseData> ReferenceFiles()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Reference", "gymnasium");
        return Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".json.gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetName($"Every_recorded_step_matches_gymnasium_bit_for_bit({Path.GetFileName(f)})"));
    }

    [Test]
    public void Reference_folder_holds_the_five_classic_control_tasks()
    {
        string[] ids = ReferenceFiles().Select(c => (string)c.Arguments[0]!).Select(f => Load(f).RootElement.GetProperty("env_id").GetString()!).ToArray();
        Assert.That(ids, Is.SupersetOf(TaskIds));
    }

    [TestCaseSource(nameof(ReferenceFiles))]
    public void Every_recorded_step_matches_gymnasium_bit_for_bit(string file)
    {
        using JsonDocument document = Load(file);
        JsonElement root = document.RootElement;
        string id = root.GetProperty("env_id").GetString()!;
        int maxSteps = root.GetProperty("max_episode_steps").GetInt32();
        int steps = 0;
        foreach (JsonElement episode in root.GetProperty("episodes").EnumerateArray())
        {
            TaskEnvironment env = TaskRegistry.Create(id, maxSteps);
            var observation = new double[env.ObservationSize];
            var state = new double[env.StateSize];
            string where = $"{file} episode {episode.GetProperty("index").GetInt32()}";
            env.Reset(new Random(0), observation);
            env.SetState(Doubles(episode.GetProperty("start_state")));
            env.Observe(observation);
            AssertBits(Doubles(episode.GetProperty("start_observation")), observation, $"{where} start observation");
            JsonElement[] recorded = episode.GetProperty("steps").EnumerateArray().ToArray();
            for (int i = 0; i < recorded.Length; i++)
            {
                JsonElement step = recorded[i];
                string at = $"{where} t={step.GetProperty("t").GetInt32()}";
                env.SetState(Doubles(step.GetProperty("state")));
                JsonElement action = step.GetProperty("action");
                StepResult result = env switch
                {
                    DiscreteEnvironment d => d.Step(action.GetInt32(), observation),
                    ContinuousEnvironment c => c.Step([action.GetDouble()], observation),
                    _ => throw new NotSupportedException(id),
                };
                AssertBits(Doubles(step.GetProperty("observation")), observation, $"{at} observation");
                AssertBits([step.GetProperty("reward").GetDouble()], [result.Reward], $"{at} reward");
                Assert.That(result.Terminated, Is.EqualTo(step.GetProperty("terminated").GetBoolean()), $"{at} terminated");
                Assert.That(result.Truncated, Is.EqualTo(step.GetProperty("truncated").GetBoolean()), $"{at} truncated");
                env.GetState(state);
                JsonElement next = i + 1 < recorded.Length ? recorded[i + 1].GetProperty("state") : episode.GetProperty("final_state");
                AssertBits(Doubles(next), state, $"{at} next state");
                steps++;
            }
        }

        Assert.That(steps, Is.GreaterThan(0), $"{file} holds no steps");
        TestContext.Out.WriteLine($"{file}: {steps} steps bit-identical");
    }

    private static JsonDocument Load(string file)
    {
        using Stream raw = File.OpenRead(Path.Combine(Folder, file));
        using Stream stream = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        return JsonDocument.Parse(stream);
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static void AssertBits(double[] expected, double[] actual, string context)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), context);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                Assert.Fail($"{context}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
