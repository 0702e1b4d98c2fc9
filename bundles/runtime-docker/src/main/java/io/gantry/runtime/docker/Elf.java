package io.gantry.runtime.docker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Just enough of an ELF file's headers to tell a static executable from one that needs a loader. */
final class Elf {

    private static final int PT_INTERP = 3;

    private Elf() {
    }

    /** Whether the file is a 64-bit ELF executable with no program interpreter (PT_INTERP). */
    static boolean isStatic(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer header = ByteBuffer.allocate(64);
            if (channel.read(header, 0) < 64 || header.getInt(0) != 0x7f454c46 || header.get(4) != 2) {
                return false; // not ELF, or not 64-bit
            }
            header.order(header.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            long programHeaders = header.getLong(32);
            int entrySize = Short.toUnsignedInt(header.getShort(54));
            int entries = Short.toUnsignedInt(header.getShort(56));
            ByteBuffer table = ByteBuffer.allocate(entrySize * entries).order(header.order());
            channel.read(table, programHeaders);
            for (int i = 0; i < entries; i++) {
                if (table.getInt(i * entrySize) == PT_INTERP) {
                    return false;
                }
            }
            return true;
        }
    }
}
