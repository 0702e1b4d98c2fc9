package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.configmap.ConfigMapStrategy;
import io.gantry.apiserver.kinds.secret.SecretStrategy;
import io.gantry.apiserver.kinds.serviceaccount.ServiceAccountStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config maps, secrets and service accounts: keys, immutability, secret types. */
class ConfigStrategiesTest {

    private final ConfigMapStrategy configMaps = new ConfigMapStrategy();
    private final SecretStrategy secrets = new SecretStrategy();
    private final ServiceAccountStrategy accounts = new ServiceAccountStrategy();

    @Test
    void configMapKeysMustBeConfigKeys() {
        assertEquals(List.of(), createCauses(configMaps, "{metadata: {name: c}, data: {app.conf: x, KEY_1: y}}"));
        assertEquals(List.of("data[a b]|FieldValueInvalid|Invalid value: \"a b\": a valid config key must consist of "
                        + "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', "
                        + "regex used for validation is '[-._a-zA-Z0-9]+')"),
                createCauses(configMaps, "{metadata: {name: c}, data: {a b: x}}"));
        assertEquals(List.of("data[..]|FieldValueInvalid|Invalid value: \"..\": must not be '..'"),
                createCauses(configMaps, "{metadata: {name: c}, data: {'..': x}}"));
        assertEquals(List.of("binaryData[k]|FieldValueInvalid|Invalid value: \"k\": duplicate of key present in data"),
                createCauses(configMaps, "{metadata: {name: c}, data: {k: x}, binaryData: {k: eA==}}"));
        ObjectNode big = created(configMaps, "{metadata: {name: c}, data: {k: x}}");
        big.with("data").put("k", "x".repeat(1024 * 1024));
        assertEquals(List.of(), KindTesting.causes(big, configMaps::validate), "1 MiB is allowed");
        big.with("data").put("l", "y");
        assertEquals(List.of("|FieldValueTooLong|Too long: may not be more than 1048576 bytes"),
                KindTesting.causes(big, configMaps::validate));
    }

    @Test
    void immutableConfigMapsAndSecretsKeepTheirData() {
        String cm = "{metadata: {name: c}, immutable: true, data: {k: x}}";
        assertEquals(List.of(), updateCauses(configMaps, cm, cm));
        assertEquals(List.of("data|FieldValueForbidden|Forbidden: field is immutable when `immutable` is set"),
                updateCauses(configMaps, cm, cm.replace("k: x", "k: y")));
        assertEquals(List.of("immutable|FieldValueForbidden|Forbidden: field is immutable when `immutable` is set"),
                updateCauses(configMaps, cm, cm.replace("true", "false")));
        String secret = "{metadata: {name: s}, immutable: true, data: {k: eA==}}";
        assertEquals(List.of("data|FieldValueForbidden|Forbidden: field is immutable when `immutable` is set"),
                updateCauses(secrets, secret, secret.replace("eA==", "eQ==")));
    }

    @Test
    void numbersReadBackFromStorageCompareByValue() {
        ObjectNode old = created(configMaps, "{metadata: {name: c}, immutable: true, data: {k: x}}");
        ObjectNode updated = old.deepCopy();
        // A stored tree holds ints where a Java writer put longs: the same data.
        updated.put("immutable", true).with("data").put("k", "x");
        old.with("metadata").put("generation", 1);
        updated.with("metadata").put("generation", 1L);
        assertEquals(List.of(), KindTesting.causes(updated, (o, v) -> configMaps.validateUpdate(o, old, v)));
    }

    @Test
    void secretsDefaultToOpaqueAndFoldStringDataIntoData() {
        ObjectNode secret = created(secrets, "{metadata: {name: s}, data: {a: YQ==}, stringData: {b: hello, a: z}}");
        assertEquals("Opaque", secret.path("type").asText());
        assertEquals("{\"a\":\"eg==\",\"b\":\"aGVsbG8=\"}", secret.path("data").toString());
        assertEquals(false, secret.has("stringData"));
        assertEquals(List.of("s", "Opaque", 2L, "<unknown>"), cells(secrets, secret, true));
        assertEquals(List.of("Name", "Type", "Data", "Age"), header(secrets, true));
        assertEquals("Opaque", secrets.fieldSelectors().get("type").apply(secret));
    }

    @Test
    void wellKnownSecretTypesNeedTheirKeysAndTheTypeNeverChanges() {
        assertEquals(List.of("data[tls.crt]|FieldValueRequired|Required value",
                        "data[tls.key]|FieldValueRequired|Required value"),
                createCauses(secrets, "{metadata: {name: s}, type: kubernetes.io/tls}"));
        assertEquals(List.of("metadata.annotations[kubernetes.io/service-account.name]|FieldValueRequired|Required value"),
                createCauses(secrets, "{metadata: {name: s}, type: kubernetes.io/service-account-token}"));
        assertEquals(List.of("type|FieldValueInvalid|Invalid value: \"example.com/other\": field is immutable"),
                updateCauses(secrets, "{metadata: {name: s}}", "{metadata: {name: s}, type: example.com/other}"));
    }

    @Test
    void columnsOfConfigMapsAndServiceAccounts() {
        assertEquals(List.of("c", 2L, "<unknown>"),
                cells(configMaps, created(configMaps, "{metadata: {name: c}, data: {a: x}, binaryData: {b: eA==}}"), true));
        assertEquals(List.of("Name", "Secrets", "Age"), header(accounts, true));
        assertEquals(List.of("default", 1L, "<unknown>"),
                cells(accounts, created(accounts, "{metadata: {name: default}, secrets: [{name: t}]}"), true));
        assertEquals(List.of("sa"), accounts.kind().shortNames());
        assertEquals(List.of("cm"), configMaps.kind().shortNames());
    }
}
