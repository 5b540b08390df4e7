using System.Text.Json;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Training;

/// <summary>
/// Checkpoint formats 1 and 2 stored layer weights output-major (W: [Out, In]); format 3 stores them as the layers hold
/// them, input-major (Wᵀ). Reference/checkpoints/format2-mlp-critic.json was written by the format-2 code (CartPole-v1,
/// policy 4→[5, 3]→2 softmax with a 4→[4]→1 critic), so these tests read a real old file.
/// </summary>
[TestFixture]
[Category("Training")]
public class CheckpointLayoutTests
{
    private static string Format2File => Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", "checkpoints", "format2-mlp-critic.json");

    private static readonly double[][] States = [[0.01, -0.02, 0.03, 0.04], [0.5, 1.5, -0.2, -1.0], [-2.0, 0.3, 0.19, 2.5]];

    /// <summary>
    /// The loaded policy and critic compute the functions the file's output-major θ and φ describe, evaluated here by
    /// plain loops over W_jk = θ[offset + j·In + k] (|difference| ≤ 1e-12: tanh and exp from two libraries).
    /// </summary>
    [Test]
    public void A_format_2_file_loads_as_the_function_its_output_major_weights_describe()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Format2File));
        double[] theta = Numbers(json.RootElement.GetProperty("parameters"));
        double[] phi = Numbers(json.RootElement.GetProperty("critic").GetProperty("parameters"));
        CheckpointContents contents = Checkpoint.Read(Format2File);
        Assert.That(contents.Critic, Is.Not.Null);
        foreach (double[] s in States)
        {
            double[] logits = OutputMajorMlp(theta, [4, 5, 3, 2], s);
            double logSum = Math.Log(Math.Exp(logits[0]) + Math.Exp(logits[1]));
            double value = OutputMajorMlp(phi, [4, 4, 1], s)[0];
            Assert.Multiple(() =>
            {
                Assert.That(contents.Policy.LogProbability(s, [0.0]), Is.EqualTo(logits[0] - logSum).Within(1e-12));
                Assert.That(contents.Policy.LogProbability(s, [1.0]), Is.EqualTo(logits[1] - logSum).Within(1e-12));
                Assert.That(contents.Critic!.Value(s), Is.EqualTo(value).Within(1e-12));
            });
        }
    }

    /// <summary>Saved again, an old file is written as format 3 and reads back bit for bit.</summary>
    [Test]
    public void A_format_2_file_saved_again_is_format_3_and_round_trips_bit_for_bit()
    {
        CheckpointContents old = Checkpoint.Read(Format2File);
        string path = Path.Combine(Path.GetTempPath(), $"pg-layout-{Guid.NewGuid():N}.json");
        try
        {
            Checkpoint.Save(old.Policy, path, old.Metadata, old.Task, old.Critic);
            using (JsonDocument json = JsonDocument.Parse(File.ReadAllText(path)))
            {
                Assert.That(json.RootElement.GetProperty("formatVersion").GetInt32(), Is.EqualTo(Checkpoint.FormatVersion).And.EqualTo(3));
            }

            CheckpointContents again = Checkpoint.Read(path);
            Assert.Multiple(() =>
            {
                Assert.That(again.Policy.Parameters.ToArray(), Is.EqualTo(old.Policy.Parameters.ToArray()));
                Assert.That(again.Critic!.Parameters.ToArray(), Is.EqualTo(old.Critic!.Parameters.ToArray()));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    // A tanh MLP with sizes[0] inputs, θ = per layer W: [Out, In] row-major then b: [Out]; linear output layer.
    private static double[] OutputMajorMlp(double[] theta, int[] sizes, double[] input)
    {
        double[] h = input;
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int fanIn = sizes[l - 1], fanOut = sizes[l];
            var z = new double[fanOut];
            for (int j = 0; j < fanOut; j++)
            {
                double sum = theta[offset + (fanOut * fanIn) + j];
                for (int k = 0; k < fanIn; k++)
                {
                    sum += theta[offset + (j * fanIn) + k] * h[k];
                }

                z[j] = l < sizes.Length - 1 ? Math.Tanh(sum) : sum;
            }

            offset += (fanOut * fanIn) + fanOut;
            h = z;
        }

        Assert.That(offset, Is.EqualTo(theta.Length), "the sizes account for every parameter");
        return h;
    }
}
