package jrkt.core.image.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import jrkt.core.JrktException;

/**
 * The TLS trust of fetches: the system's CA bundle (Debian's /etc/ssl/certs/ca-certificates.crt,
 * what curl and Go programs trust), and the certificates of {@code $SSL_CERT_FILE} when set (as
 * OpenSSL and Go read it), rather than the JDK's own list. With --insecure-options=tls no
 * certificate or host name is checked.
 */
final class Tls {
    private Tls() {}

    static final Path SYSTEM_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

    static SSLContext context(boolean insecure) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (insecure) {
                System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
                context.init(null, new TrustManager[] {new TrustAll()}, null);
                return context;
            }
            // the CA bundle is read at the first TLS handshake: a plain-HTTP fetch never pays for it
            context.init(null, new TrustManager[] {new LazyTrust()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new JrktException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The trust manager of the system bundle and $SSL_CERT_FILE (the JDK's own list when neither is there). */
    private static X509TrustManager load() throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        int n = 0;
        n += add(trusted, SYSTEM_BUNDLE, n);
        String extra = System.getenv("SSL_CERT_FILE");
        if (extra != null && !extra.isEmpty()) n += add(trusted, Path.of(extra), n);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(n == 0 ? null : trusted);
        for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager x) return x;
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static final class LazyTrust implements X509TrustManager {
        private X509TrustManager delegate;

        private synchronized X509TrustManager delegate() throws java.security.cert.CertificateException {
            if (delegate == null) {
                try {
                    delegate = load();
                } catch (GeneralSecurityException | IOException e) {
                    throw new java.security.cert.CertificateException("cannot read the trusted CAs: " + e.getMessage(), e);
                }
            }
            return delegate;
        }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            delegate().checkClientTrusted(chain, authType);
        }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            delegate().checkServerTrusted(chain, authType);
        }

        @Override public X509Certificate[] getAcceptedIssuers() {
            try {
                return delegate().getAcceptedIssuers();
            } catch (java.security.cert.CertificateException e) {
                return new X509Certificate[0];
            }
        }
    }

    private static int add(KeyStore store, Path bundle, int offset) throws IOException, GeneralSecurityException {
        if (!Files.isRegularFile(bundle)) return 0;
        int n = 0;
        try (InputStream in = Files.newInputStream(bundle)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + (offset + n++), c);
            }
        }
        return n;
    }

    private static final class TrustAll implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
