package dev.ferry.serialization.protobuf;

import com.google.protobuf.ByteString;
import dev.ferry.api.spi.ClassAllowlist;
import dev.ferry.api.spi.ObjectInput;
import dev.ferry.api.spi.ObjectOutput;
import dev.ferry.serialization.DefaultClassAllowlist;
import dev.ferry.serialization.protobuf.test.Line;
import dev.ferry.serialization.protobuf.test.OrderReply;
import dev.ferry.serialization.protobuf.test.OrderRequest;
import dev.ferry.serialization.protobuf.test.Priority;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Test helpers for the protobuf serialization. */
final class Proto {

    static final ProtobufSerialization PROTOBUF = new ProtobufSerialization();

    /** The message types a service exchanging them would allow, and the JDK defaults. */
    static final ClassAllowlist ALLOWLIST = DefaultClassAllowlist.builder()
            .allowClass(OrderRequest.class)
            .allowClass(OrderReply.class)
            .build();

    interface Writes {
        void to(ObjectOutput out) throws IOException;
    }

    private Proto() {
    }

    static byte[] write(Writes writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutput out = PROTOBUF.serialize(bytes);
        writes.to(out);
        out.flush();
        return bytes.toByteArray();
    }

    static ObjectInput read(byte[] bytes, ClassAllowlist allowlist) {
        return PROTOBUF.deserialize(new ByteArrayInputStream(bytes), allowlist);
    }

    static OrderRequest sampleRequest() {
        return OrderRequest.newBuilder()
                .setId(Long.MAX_VALUE)
                .setCustomer("ACME 株式会社 😀")
                .setTotal(1234.5)
                .setDiscount(0.25f)
                .setExpress(true)
                .setSignature(ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff}))
                .setPriority(Priority.HIGH)
                .addLines(Line.newBuilder().setSku("sku-1").setQuantity(2))
                .addLines(Line.newBuilder().setSku("sku-2").setQuantity(-1))
                .putCounters("a", 1)
                .putCounters("b", Integer.MIN_VALUE)
                .setNote("")
                .setIban("DE00 1234")
                .setDelta(-7)
                .setChecksum(-1L)
                .setFlags(0xffffffff)
                .build();
    }
}
