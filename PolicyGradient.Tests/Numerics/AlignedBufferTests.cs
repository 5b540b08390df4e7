using System.Runtime;
using PolicyGradient.Estimators;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Numerics;

[TestFixture]
[Category("Kernels")]
public class AlignedBufferTests
{
    [Test]
    public void Buffers_of_every_length_start_on_a_64_byte_boundary_zeroed_and_stay_there_after_a_compacting_collection()
    {
        var buffers = Enumerable.Range(0, 40).Select(n => new AlignedBuffer(n)).ToList();
        for (int round = 0; round < 2; round++)
        {
            foreach (AlignedBuffer buffer in buffers)
            {
                Assert.That(buffer.Span.Length, Is.EqualTo(buffer.Length));
                Assert.That(buffer.Span.ToArray(), Is.All.EqualTo(0.0));
                if (buffer.Length > 0)
                {
                    Assert.That(Address(buffer.Span) % AlignedBuffer.Alignment, Is.Zero, $"length {buffer.Length}, round {round}");
                }
            }

            _ = Enumerable.Range(0, 1000).Select(i => new double[i % 17]).ToList(); // garbage between the buffers' arrays
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    [Test]
    public void Parameters_activations_and_gradient_buffers_of_policies_and_critics_are_aligned()
    {
        foreach (Policy policy in new Policy[] { SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1), GaussianPolicy.Mlp(3, [5], 1, seed: 2), SoftmaxPolicy.Linear(7, 3, seed: 3) })
        {
            PolicyWorkspace workspace = policy.CreateWorkspace(capacity: 13, threads: 2);
            Assert.Multiple(() =>
            {
                Assert.That(Address(policy.Parameters) % 64, Is.Zero, policy.Describe());
                Assert.That(Address(workspace.Partial) % 64, Is.Zero);
                Assert.That(Address(workspace.Outputs) % 64, Is.Zero);
                Assert.That(Address(workspace.OutputGradients) % 64, Is.Zero);
                Assert.That(Address(workspace.Lanes[1].Workspace.Partial) % 64, Is.Zero);
                Assert.That(Address(workspace.Approximator.Activations) % 64, Is.Zero);
                Assert.That(Address(workspace.Approximator.GradientA) % 64, Is.Zero);
                Assert.That(Address(workspace.Approximator.GradientB) % 64, Is.Zero);
            });
            if (workspace.Approximator.Scratch.Length > 0)
            {
                Assert.That(Address(workspace.Approximator.Scratch) % 64, Is.Zero);
            }
        }

        Critic critic = Critic.Create(4, [64], learningRate: 1e-3, iterations: 1, seed: 1);
        Assert.That(Address(critic.Parameters) % 64, Is.Zero);
    }

    private static unsafe long Address(ReadOnlySpan<double> span)
    {
        fixed (double* first = span)
        {
            return (long)first;
        }
    }
}
