package io.gantry.itests;

import static io.gantry.itests.Host.freePort;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.util.Filter;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.osgi.framework.BundleContext;

/**
 * Boots a real Karaf (the plain Apache Karaf distribution) in its own JVM, installs Gantry's
 * features from the project's features descriptor, and gives the tests what they need to
 * drive it: the HTTP API, the Karaf shell, and the OSGi services.
 *
 * <p>Every listening port is a free one chosen when the configuration is built, and passed to
 * the container as a system property, because the test methods run inside the container, in a
 * JVM of their own. Pods get addresses from 127.2.0.0/16, apart from a node started by
 * {@code ./gantry up} (127.1.0.0/16), and images are never pulled: tests use the images
 * {@code examples/images/build.sh} builds.
 */
public abstract class GantryTestSupport {

    /** Name of the node the container's kubelet registers. */
    protected static final String NODE = "itest-node";

    protected static final Duration STARTUP = Duration.ofSeconds(60);

    /** Registered once Karaf has installed the boot features: tests start after it. */
    @Inject
    @Filter(timeout = 180_000)
    protected BootFinished bootFinished;

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        String karafVersion = System.getProperty("karaf.version");
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").versionAsInProject();
        MavenArtifactUrlReference gantryFeatures = maven().groupId("io.gantry").artifactId("gantry-features")
                .classifier("features").type("xml").versionAsInProject();
        int httpPort = freePort();
        int hazelcastPort = freePort();
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration().frameworkUrl(karaf).karafVersion(karafVersion)
                        .unpackDirectory(new File("target/exam")).useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                // Resolve mvn: URLs from the local repository the build installed into.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository", System.getProperty("maven.repo.local")),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort",
                        String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort",
                        String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port",
                        String.valueOf(httpPort)),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses",
                        "127.0.0.1"),
                // A cluster of one, on a free port, which no other member will join.
                editConfigurationFilePut("etc/io.gantry.cluster.cfg", "clusterName", "itest-" + hazelcastPort),
                editConfigurationFilePut("etc/io.gantry.cluster.cfg", "port", String.valueOf(hazelcastPort)),
                editConfigurationFilePut("etc/io.gantry.cluster.cfg", "members", "127.0.0.1:" + hazelcastPort),
                editConfigurationFilePut("etc/io.gantry.kubelet.cfg", "nodeName", NODE),
                // the member must name the same node, or the node monitor takes the Node as lost
                editConfigurationFilePut("etc/io.gantry.cluster.cfg", "nodeName", NODE),
                editConfigurationFilePut("etc/io.gantry.kubelet.cfg", "podCIDR", "127.2.0.0/16"),
                editConfigurationFilePut("etc/io.gantry.kubelet.cfg", "statusIntervalSeconds", "2"),
                editConfigurationFilePut("etc/io.gantry.runtime.docker.cfg", "pullImages", "false"),
                features(gantryFeatures, "scr", "gantry-all-in-one"),
                mavenBundle().groupId("org.hamcrest").artifactId("hamcrest").versionAsInProject(),
                mavenBundle().groupId("org.awaitility").artifactId("awaitility").versionAsInProject(),
                systemProperty("gantry.itest.httpPort").value(String.valueOf(httpPort))));
        options.addAll(java17Options(karafVersion));
        return options.toArray(new Option[0]);
    }

    /**
     * What Karaf's bin/karaf passes to a Java 9+ JVM, which Pax Exam does not, and what
     * Hazelcast needs on Java 17 (as the distribution's bin/setenv gives it).
     */
    private static List<Option> java17Options(String karafVersion) {
        List<Option> options = new ArrayList<>();
        for (String option : List.of(
                "--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                "--add-modules=java.se",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*")) {
            options.add(new VMOption(option));
        }
        return options;
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:40123}. */
    protected static String apiUrl() {
        return "http://127.0.0.1:" + System.getProperty("gantry.itest.httpPort");
    }

    /** One HTTP request to the API; the body is JSON, or absent for null. */
    protected HttpResponse<String> api(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.build());
    }

    /** A GET of any URL, for what pods serve. */
    protected HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs one command in a Karaf shell session and returns what it printed. */
    protected String shell(String command) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out);
            try {
                session.execute(command);
            } finally {
                session.close();
            }
        }
        return output.toString(StandardCharsets.UTF_8);
    }
}
