// LD_PRELOAD shim for profiling Swift servers under valgrind 3.19 (bench/profile.sh).
//
// libdispatch's dispatch_main() parks the main thread in sigsuspend() with a mask in read-only
// memory; valgrind 3.19's rt_sigsuspend wrapper writes to the mask it is given and dies
// ("VALGRIND INTERNAL ERROR: Valgrind received a signal 11"). Passing a copy on the stack
// avoids it; behaviour is otherwise unchanged.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
