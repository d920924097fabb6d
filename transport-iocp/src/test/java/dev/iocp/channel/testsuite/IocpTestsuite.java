package dev.iocp.channel.testsuite;

import dev.iocp.channel.Iocp;
import io.netty.testsuite.transport.AbstractComboTestsuiteTest;
import io.netty.testsuite.transport.AbstractTestsuiteTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Put on every Netty suite subclass in this package. It
 * <ul>
 *   <li>skips (not passes) every test of the suite when the transport is unavailable here,
 *       printing the cause once and giving it in every skip message;</li>
 *   <li>names the permutation that was running ("Iocp x NIO", ...) in a failure, as a suppressed
 *       exception: Netty's suites run every permutation inside one test method;</li>
 *   <li>keeps a hung test from hanging the build. Netty's suites often wait without a bound
 *       ({@code close().sync()} in a {@code finally}) and after JUnit's timeout interrupt such a
 *       wait just starts over. So the test body runs on its own thread: when it is still running
 *       {@value #GRACE_SECONDS}s after the timeout (JUnit's, or {@code dev.iocp.testsuite.limitSeconds},
 *       default {@value #DEFAULT_LIMIT_SECONDS}s, for tests without one) it is abandoned, the test
 *       fails with its stack and those of the event loops, and later tests get fresh event loop
 *       groups.</li>
 * </ul>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(IocpTestsuite.Extension.class)
public @interface IocpTestsuite {

    long DEFAULT_LIMIT_SECONDS = 60;
    long GRACE_SECONDS = 10;

    final class Extension implements BeforeEachCallback, TestExecutionExceptionHandler,
            InvocationInterceptor {
        private static final long LIMIT_SECONDS = Long.getLong("dev.iocp.testsuite.limitSeconds", DEFAULT_LIMIT_SECONDS);
        private static final AtomicBoolean PRINTED = new AtomicBoolean();
        /** Loop threads of groups abandoned after a hang: still stuck, no longer of interest. */
        private static final Set<Thread> ABANDONED = ConcurrentHashMap.newKeySet();

        /** Suites run one at a time, on whichever thread: a plain volatile will do. */
        private static volatile String current;

        /** Records the permutation a suite is about to run (called by {@link IocpSocketTestPermutation}). */
        static void running(String permutation) {
            current = permutation;
        }

        /**
         * Checked before each test rather than once before all: surefire counts the tests of a
         * class aborted in {@code @BeforeAll} as neither run nor skipped, so a suite skipped that
         * way would look like an empty pass.
         */
        @Override
        public void beforeEach(ExtensionContext context) {
            current = null;
            if (IocpSocketTestPermutation.NIO_BASELINE) {
                Class<?> suite = context.getRequiredTestClass();
                Assumptions.assumeTrue(AbstractComboTestsuiteTest.class.isAssignableFrom(suite)
                                || AbstractTestsuiteTest.class.isAssignableFrom(suite),
                        () -> suite.getSimpleName() + " skipped: the NIO baseline only covers the permutation suites");
                return;
            }
            assumeIocpAvailable(context.getRequiredTestClass().getSimpleName());
        }

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            String permutation = current;
            if (permutation != null && !(failure instanceof TestAbortedException)) {
                failure.addSuppressed(new PermutationInfo(permutation));
            }
            throw failure;
        }

        @Override
        public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                        ExtensionContext extensionContext) throws Throwable {
            runGuarded(invocation, extensionContext);
        }

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation,
                                                ReflectiveInvocationContext<Method> invocationContext,
                                                ExtensionContext extensionContext) throws Throwable {
            runGuarded(invocation, extensionContext);
        }

        static void assumeIocpAvailable(String suite) {
            boolean available = Iocp.isAvailable();
            Throwable cause = available ? null : Iocp.unavailabilityCause();
            if (!available && PRINTED.compareAndSet(false, true)) {
                System.err.println("transport-iocp is unavailable, Netty's transport testsuite is skipped: " + cause);
                if (cause != null) {
                    cause.printStackTrace();
                }
            }
            Assumptions.assumeTrue(available, () -> suite + " skipped, transport-iocp is unavailable: " + cause);
        }

        private static void runGuarded(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
            FutureTask<Void> task = new FutureTask<>(() -> {
                try {
                    invocation.proceed();
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new ExecutionException(t);
                }
                return null;
            });
            Thread runner = new Thread(task, "testsuite-test " + context.getDisplayName());
            runner.setDaemon(true);
            runner.start();
            boolean interrupted = false;
            boolean done;
            try {
                done = finishes(task, LIMIT_SECONDS);
            } catch (InterruptedException e) {
                // JUnit's @Timeout (same-thread mode) interrupted this thread.
                interrupted = true;
                done = false;
            }
            List<ThreadStack> loopsAtTimeout = List.of();
            if (!done) {
                // What the event loops were doing when time ran out, before the interrupt changes it.
                loopsAtTimeout = loopStacks(Thread.getAllStackTraces(), "at the timeout: ");
                // Hand the interrupt on, as if the test ran on this thread, and give it time to react.
                runner.interrupt();
                boolean finished;
                try {
                    finished = finishes(task, GRACE_SECONDS);
                } catch (InterruptedException e) {
                    finished = false;
                }
                if (!finished) {
                    throw hung(runner, context, !interrupted, loopsAtTimeout);
                }
            }
            Throwable failure = null;
            try {
                task.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                failure = cause instanceof ExecutionException && cause.getCause() != null ? cause.getCause() : cause;
            }
            if (!done && !interrupted) {
                // Our limit, not JUnit's @Timeout (which reports itself): say so.
                failure = new AssertionError(context.getDisplayName() + " did not finish within the suite's "
                        + LIMIT_SECONDS + "s limit; interrupted, it ended with " + failure, failure);
            }
            if (failure != null) {
                loopsAtTimeout.forEach(failure::addSuppressed);
                throw failure;
            }
        }

        /** The stacks of the suite's event loop threads. */
        private static List<ThreadStack> loopStacks(Map<Thread, StackTraceElement[]> stacks, String when) {
            List<ThreadStack> result = new ArrayList<>();
            for (Map.Entry<Thread, StackTraceElement[]> e : stacks.entrySet()) {
                String name = e.getKey().getName();
                if ((name.startsWith("testsuite-iocp") || name.startsWith("testsuite-nio")) && e.getKey().isAlive()
                        && !ABANDONED.contains(e.getKey())) {
                    ThreadStack stack = new ThreadStack(when, e.getKey());
                    stack.setStackTrace(e.getValue());
                    result.add(stack);
                }
            }
            return result;
        }

        /** Whether the test ended (either way) within the time; an interrupt of this thread is thrown. */
        private static boolean finishes(FutureTask<Void> task, long seconds) throws InterruptedException {
            try {
                task.get(seconds, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                return true;
            } catch (TimeoutException e) {
                return false;
            }
        }

        private static AssertionError hung(Thread runner, ExtensionContext context, boolean ownLimit,
                                           List<ThreadStack> loopsAtTimeout) {
            // Take the stacks first: abandoning the groups changes what the loops are doing.
            StackTraceElement[] runnerStack = runner.getStackTrace();
            Thread.State runnerState = runner.getState();
            List<ThreadStack> loopsNow = loopStacks(Thread.getAllStackTraces(), GRACE_SECONDS + "s after the timeout: ");
            AssertionError hung = new AssertionError(context.getDisplayName() + " hung: still running ("
                    + runnerState + ") " + GRACE_SECONDS + "s after " + (ownLimit ? "the suite's " + LIMIT_SECONDS
                    + "s limit" : "its @Timeout") + " interrupted it; abandoned, and the shared event loop"
                    + " groups with it. This error's stack is the test's; the event loops' are suppressed.");
            hung.setStackTrace(runnerStack);
            loopsAtTimeout.forEach(hung::addSuppressed);
            loopsNow.forEach(hung::addSuppressed);
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().startsWith("testsuite-iocp") || thread.getName().startsWith("testsuite-nio")) {
                    ABANDONED.add(thread);
                }
            }
            IocpSocketTestPermutation.abandonGroups();
            return hung;
        }
    }

    /** Not an error: names the permutation a failure happened in. */
    final class PermutationInfo extends Exception {
        private static final long serialVersionUID = 1L;

        PermutationInfo(String permutation) {
            super("failed while running permutation " + permutation
                    + (permutation.contains(" x ") ? " (server x client)" : ""), null, false, false);
        }
    }

    /** Not an error: a thread's stack when a test hung. */
    final class ThreadStack extends Exception {
        private static final long serialVersionUID = 1L;

        ThreadStack(String when, Thread thread) {
            super(when + "thread \"" + thread.getName() + "\" (" + thread.getState() + ")", null, false, true);
        }
    }
}
