package io.gantry.itests.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A node's etc/ folder: sets keys of its .cfg files as a user edits them, in place of the key's line. */
final class EtcFiles {

    private final Path etc;

    EtcFiles(Path etc) {
        this.etc = etc;
    }

    void set(String file, Map<String, String> values) throws IOException {
        Path cfg = etc.resolve(file);
        List<String> lines = new ArrayList<>(Files.exists(cfg) ? Files.readAllLines(cfg) : List.of());
        for (Map.Entry<String, String> value : values.entrySet()) {
            String line = value.getKey() + " = " + value.getValue();
            Pattern key = Pattern.compile("\\s*" + Pattern.quote(value.getKey()) + "\\s*[=:].*");
            int at = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (key.matcher(lines.get(i)).matches()) {
                    at = i;
                }
            }
            if (at >= 0) {
                lines.set(at, line);
            } else {
                lines.add(line);
            }
        }
        Files.write(cfg, lines);
    }
}
