package io.zktoolkit.recovery.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.recovery.hive.HiveFailureClassifier.Kind;
import io.zktoolkit.recovery.hive.HiveFailureClassifier.Verdict;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HiveFailureClassifier} on socket failures produced by real sockets (a peer that closed, a
 * peer that reset, a closed port, a silent peer), wrapped the way the stock hive-jdbc driver wraps
 * them. The driver's own exceptions from a real server that died or refused a statement are in
 * src-it/hive-it's {@code HiveSessionFailoverIT}; this module must not have the driver on its
 * class path.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HiveFailureClassifierTest {
    /**
     * Stands in for {@code org.apache.hive.service.cli.HiveSQLException}, the driver's exception for
     * an error status the server sent back: the classifier knows it by simple name only.
     */
    static final class HiveSQLException extends SQLException {
        HiveSQLException(String reason, String sqlState, Throwable cause) {
            super(reason, sqlState, cause);
        }
    }

    /** Stands in for Thrift's transport exception, relocated by the standalone driver. */
    static final class TTransportException extends Exception {
        TTransportException(Throwable cause) {
            super(cause);
        }
    }

    /** A probe that counts its calls and answers as told. */
    private static final class Probe implements BooleanSupplier {
        final AtomicInteger calls = new AtomicInteger();
        final boolean answers;

        Probe(boolean answers) {
            this.answers = answers;
        }

        @Override
        public boolean getAsBoolean() {
            calls.incrementAndGet();
            return answers;
        }
    }

    /** As HiveStatement wraps a Thrift failure of ExecuteStatement or GetOperationStatus. */
    private static SQLException asTheDriverWraps(Throwable transportCause) {
        return new SQLException(transportCause.getMessage(), "08S01", new TTransportException(transportCause));
    }

    @Test
    void aPeerThatWentAwayMidReadIsALostServerOnceTheProbeFailsToo() throws Exception {
        EOFException eof = readFromAPeerThatClosed();
        Probe deadConnection = new Probe(false);

        Verdict verdict = HiveFailureClassifier.classify(asTheDriverWraps(eof), deadConnection);

        assertThat(verdict.kind()).isEqualTo(Kind.SERVER_LOST);
        assertThat(verdict.reason()).contains("TTransportException").contains("no longer answers");
        assertThat(deadConnection.calls).hasValue(1);
    }

    @Test
    void aResetConnectionIsALostServer() throws Exception {
        SocketException reset = readFromAPeerThatReset();
        assertThat(reset.getMessage()).containsIgnoringCase("reset");

        assertThat(HiveFailureClassifier.classify(asTheDriverWraps(reset), new Probe(false)).kind()).isEqualTo(Kind.SERVER_LOST);
        // "Error retrieving next row": the driver adds no SQLState when a fetch fails
        SQLException fetch = new SQLException("Error retrieving next row", new TTransportException(reset));
        assertThat(HiveFailureClassifier.classify(fetch, new Probe(false)).kind()).isEqualTo(Kind.SERVER_LOST);
    }

    @Test
    void aRefusedConnectIsALostServer() throws Exception {
        SocketException refused = connectToAClosedPort();
        assertThat(refused).isInstanceOf(java.net.ConnectException.class);

        assertThat(HiveFailureClassifier.classify(asTheDriverWraps(refused), new Probe(false)).kind())
                .isEqualTo(Kind.SERVER_LOST);
    }

    @Test
    void aTimedOutReadOnAConnectionThatStillAnswersIsTheStatementsFailure() throws Exception {
        SocketTimeoutException timeout = readFromASilentPeer();
        Probe alive = new Probe(true);

        Verdict verdict = HiveFailureClassifier.classify(asTheDriverWraps(timeout), alive);

        assertThat(verdict.kind()).isEqualTo(Kind.STATEMENT_FAILED);
        assertThat(verdict.reason()).contains("still answers");
        assertThat(alive.calls).hasValue(1);
        assertThat(HiveFailureClassifier.classify(asTheDriverWraps(timeout), new Probe(false)).kind())
                .as("a timed-out read on a connection that does not answer either").isEqualTo(Kind.SERVER_LOST);
    }

    @Test
    void anErrorTheServerSentBackNeverMovesTheSessionEvenWithState08S01() throws Exception {
        // HiveServer2 reports execution errors with 08S01, the state of a broken transport.
        SQLException executionError = new HiveSQLException("Error while processing statement: FAILED: Execution Error, "
                + "return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask", "08S01", null);
        // The driver rebuilds the server's exception chain under it: the server's own socket trouble is not ours.
        SQLException serverSideSocketTrouble = new HiveSQLException("Error while compiling statement", "08S01",
                readFromAPeerThatReset());
        Probe probe = new Probe(false);

        assertThat(HiveFailureClassifier.classify(executionError, probe).kind()).isEqualTo(Kind.STATEMENT_FAILED);
        assertThat(HiveFailureClassifier.classify(serverSideSocketTrouble, probe).kind()).isEqualTo(Kind.STATEMENT_FAILED);
        assertThat(HiveFailureClassifier.classify(serverSideSocketTrouble, probe).reason()).contains("the server answered");
        assertThat(probe.calls).as("no probe needed: the server answered").hasValue(0);
    }

    @Test
    void syntaxErrorsMissingTablesAndHandlerErrorsAreTheStatementsFailureWithoutAProbe() {
        Probe probe = new Probe(false);

        assertThat(HiveFailureClassifier.classify(new HiveSQLException("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'",
                "42601", null), probe).kind()).isEqualTo(Kind.STATEMENT_FAILED);
        assertThat(HiveFailureClassifier.classify(new HiveSQLException("[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` "
                + "cannot be found", "42P01", null), probe).kind()).isEqualTo(Kind.STATEMENT_FAILED);
        assertThat(HiveFailureClassifier.classify(new SQLSyntaxErrorException("bad", "42000"), probe).kind())
                .isEqualTo(Kind.STATEMENT_FAILED);
        assertThat(HiveFailureClassifier.classify(new SQLException("Invalid column index: 3"), probe).kind())
                .isEqualTo(Kind.STATEMENT_FAILED);
        assertThat(probe.calls).hasValue(0);
    }

    @Test
    void aConnectionStateWithoutACauseIsSettledByTheProbe() {
        SQLException closed = new SQLException("Connection is closed", "08003");

        assertThat(HiveFailureClassifier.classify(closed, new Probe(false)).kind()).isEqualTo(Kind.SERVER_LOST);
        assertThat(HiveFailureClassifier.classify(closed, new Probe(true)).kind()).isEqualTo(Kind.STATEMENT_FAILED);
    }

    @Test
    void aCauseFoundThroughTheNextExceptionChainCountsAndACycleEnds() throws Exception {
        SQLException outer = new SQLException("batch failed", "HY000");
        outer.setNextException(asTheDriverWraps(readFromAPeerThatClosed()));
        SQLException cyclic = new SQLException("cyclic", "HY000");
        SQLException inner = new SQLException("inner", "HY000", cyclic);
        cyclic.initCause(inner);

        assertThat(HiveFailureClassifier.classify(outer, new Probe(false)).kind()).isEqualTo(Kind.SERVER_LOST);
        assertThat(HiveFailureClassifier.classify(cyclic, new Probe(false)).kind()).isEqualTo(Kind.STATEMENT_FAILED);
    }

    private static EOFException readFromAPeerThatClosed() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            server.accept().close();
            try {
                new DataInputStream(client.getInputStream()).readFully(new byte[4]);
            } catch (EOFException e) {
                return e;
            }
        }
        throw new AssertionError("expected EOF from a closed peer");
    }

    private static SocketException readFromAPeerThatReset() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            Socket accepted = server.accept();
            accepted.setSoLinger(true, 0);   // close with RST, as a peer's kernel answers after the process died
            accepted.close();
            InputStream in = client.getInputStream();
            try {
                for (int i = 0; i < 10; i++) {
                    client.getOutputStream().write(1);
                    if (in.read() < 0) {
                        break;
                    }
                }
            } catch (SocketException e) {
                return e;
            }
        }
        throw new AssertionError("expected a reset from a peer that closed with linger 0");
    }

    private static SocketException connectToAClosedPort() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        } catch (SocketException e) {
            return e;
        }
        throw new AssertionError("a closed port took a connection");
    }

    private static SocketTimeoutException readFromASilentPeer() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            client.setSoTimeout(100);
            try {
                client.getInputStream().read();
            } catch (SocketTimeoutException e) {
                return e;
            }
        }
        throw new AssertionError("expected a read timeout from a silent peer");
    }
}
