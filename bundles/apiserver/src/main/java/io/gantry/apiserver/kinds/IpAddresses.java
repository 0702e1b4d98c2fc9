package io.gantry.apiserver.kinds;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP address syntax, without name resolution. */
public final class IpAddresses {

    /** Kubernetes' message for an address that is not an IP. */
    public static final String INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private IpAddresses() {
    }

    public static boolean isIPv4(String text) {
        return IPV4.matcher(text).matches();
    }

    public static boolean isIPv6(String text) {
        if (!text.contains(":") || !text.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(text) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public static boolean isIp(String text) {
        return isIPv4(text) || isIPv6(text);
    }
}
