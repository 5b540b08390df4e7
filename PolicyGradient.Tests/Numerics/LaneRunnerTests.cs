using PolicyGradient.Numerics;

namespace PolicyGradient.Tests.Numerics;

[TestFixture]
[Category("Kernels")]
public class LaneRunnerTests
{
    [Test]
    public void Every_lane_below_the_count_runs_once_per_run_and_no_other()
    {
        var runner = new LaneRunner(3);
        var counts = new int[3];
        for (int run = 0; run < 2000; run++)
        {
            int count = 1 + (run % 3);
            Array.Clear(counts);
            runner.Run(count, lane => Interlocked.Increment(ref counts[lane]));
            Assert.That(counts, Is.EqualTo(Enumerable.Range(0, 3).Select(l => l < count ? 1 : 0).ToArray()), $"run {run}");
        }
    }

    [Test]
    public void A_run_returns_after_every_lane_has_finished_and_rethrows_the_lowest_failing_lanes_exception()
    {
        var runner = new LaneRunner(4);
        var finished = new int[4];
        var error = Assert.Throws<InvalidOperationException>(() => runner.Run(4, lane =>
        {
            Thread.Sleep(lane == 3 ? 20 : 0);
            Volatile.Write(ref finished[lane], 1);
            if (lane >= 2)
            {
                throw new InvalidOperationException("lane " + lane);
            }
        }));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Is.EqualTo("lane 2"));
            Assert.That(finished, Is.All.EqualTo(1));
        });
        int ran = 0;
        runner.Run(4, _ => Interlocked.Increment(ref ran)); // usable after a failure
        Assert.That(ran, Is.EqualTo(4));
    }

    [Test]
    public void Runs_allocate_nothing_on_the_calling_thread()
    {
        var runner = new LaneRunner(2);
        long sum = 0;
        Action<int> work = lane => Interlocked.Add(ref sum, lane + 1);
        for (int i = 0; i < 100; i++)
        {
            runner.Run(2, work);
        }

        // once: the caller blocks on a slow lane, and the lane sleeps between runs (each thread's first wait creates its
        // wait state)
        runner.Run(2, lane => Thread.Sleep(lane == 1 ? 5 : 0));
        Thread.Sleep(5);
        runner.Run(2, lane => Thread.Sleep(lane == 1 ? 5 : 0));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            runner.Run(2, work);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before; // before the assertions allocate
        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.Zero);
            Assert.That(Interlocked.Read(ref sum), Is.EqualTo(1100 * 3));
        });
    }

    [Test]
    public void The_lane_threads_end_when_the_runner_is_collected()
    {
        (IReadOnlyList<Thread> threads, WeakReference runner) = StartAndDrop(5);
        Assert.That(threads, Has.Count.EqualTo(4));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (threads.Any(t => t.IsAlive) && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            threads.FirstOrDefault(t => t.IsAlive)?.Join(10);
        }

        Assert.Multiple(() =>
        {
            Assert.That(runner.IsAlive, Is.False, "the runner was collected");
            Assert.That(threads.Where(t => t.IsAlive), Is.Empty, "its threads ended");
        });
    }

    [Test]
    public void A_run_inside_a_run_is_refused_and_the_runner_stays_usable()
    {
        var runner = new LaneRunner(2);
        Assert.Throws<InvalidOperationException>(() => runner.Run(2, lane =>
        {
            if (lane == 0)
            {
                runner.Run(1, _ => { });
            }
        }));
        int ran = 0;
        runner.Run(2, _ => Interlocked.Increment(ref ran));
        Assert.That(ran, Is.EqualTo(2));
    }

    // The runner's threads and a weak reference to it; the runner itself is dropped here.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (IReadOnlyList<Thread> Threads, WeakReference Runner) StartAndDrop(int lanes)
    {
        var runner = new LaneRunner(lanes);
        runner.Run(lanes, _ => { });
        return (runner.Threads, new WeakReference(runner));
    }
}
