/* The signal routing of signals.h. */
#include "signals.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int routed = 0;

/* Signals sent to a process from outside it. Not SIGPROF (V8's profiler sends it to a thread), nor
   the synchronous ones (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE), which belong to the thread that
   caused them. */
static void async_signals(sigset_t *set) {
  sigemptyset(set);
  const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGWINCH, SIGALRM, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaddset(set, sigs[i]);
}

static void *sink(void *arg) {
  (void)arg;
  sigset_t set;
  async_signals(&set);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  for (;;) pause(); /* the handlers Node installed run here */
  return NULL;
}

int signals_route(void) {
  static int done = 0;
  if (done) return routed;
  done = 1;
  const char *off = getenv("EBJDAT_SIGNAL_THREAD");
  if (off && strcmp(off, "0") == 0) return 0;
  sigset_t set, old;
  async_signals(&set);
  if (pthread_sigmask(SIG_BLOCK, &set, &old) != 0) return 0;
  pthread_attr_t attr;
  pthread_t th;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  const int ok = pthread_create(&th, &attr, sink, NULL) == 0;
  pthread_attr_destroy(&attr);
  if (!ok) {
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return 0;
  }
  routed = 1;
  return 1;
}

int signals_routed(void) { return routed; }
