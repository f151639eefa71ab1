// Health checks run on real timers over real sockets; on a shared 2-core machine, running these classes one at
// a time keeps the timing margins honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
