package io.drainwatch.detector.chain;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.AuthorizationTuple;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.MnemonicUtils;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/** Real signed transactions against an anvil node: the dev mnemonic's accounts and fresh keys. */
public final class DevChain {
    public static final BigInteger GAS_PRICE = BigInteger.valueOf(10_000_000_000L);
    public static final BigInteger ETHER = BigInteger.TEN.pow(18);

    private final AnvilNode node;
    private final Map<String, BigInteger> nonces = new HashMap<>();

    public DevChain(AnvilNode node) {
        this.node = node;
    }

    /** Account {@code index} of the dev mnemonic (funded with 10,000 ETH). */
    public static Credentials dev(int index) {
        byte[] seed = MnemonicUtils.generateSeed(AnvilNode.MNEMONIC, "");
        Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(seed);
        int h = Bip32ECKeyPair.HARDENED_BIT;
        return Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, new int[] {44 | h, 60 | h, h, 0, index}));
    }

    /** A brand-new key: nonce 0, no code, no balance. */
    public static Credentials fresh() {
        try {
            return Credentials.create(Keys.createEcKeyPair());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String address(Credentials c) {
        return c.getAddress().toLowerCase(java.util.Locale.ROOT);
    }

    private BigInteger nextNonce(Credentials from) {
        return nonces.compute(
                address(from),
                (a, n) -> n != null
                        ? n.add(BigInteger.ONE)
                        : Hex.big(node.call("eth_getTransactionCount", a, "pending")
                                .asText()));
    }

    /** Sends a signed EIP-1559 transaction and returns its hash without waiting. */
    public String send(Credentials from, String to, BigInteger value, String data, long gas) {
        RawTransaction tx = RawTransaction.createTransaction(
                AnvilNode.CHAIN_ID,
                nextNonce(from),
                BigInteger.valueOf(gas),
                to,
                value,
                data,
                BigInteger.ONE,
                GAS_PRICE);
        return sendRaw(TransactionEncoder.signMessage(tx, from));
    }

    public String sendRaw(byte[] signed) {
        return Hex.lower(
                node.call("eth_sendRawTransaction", Numeric.toHexString(signed)).asText());
    }

    /** Waits for the receipt of {@code txHash}. */
    public JsonNode receipt(String txHash) {
        JsonNode[] receipt = new JsonNode[1];
        await("receipt " + txHash)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    receipt[0] = node.call("eth_getTransactionReceipt", txHash);
                    return !receipt[0].isNull();
                });
        return receipt[0];
    }

    public JsonNode sendAndWait(Credentials from, String to, BigInteger value, String data, long gas) {
        return receipt(send(from, to, value, data, gas));
    }

    public JsonNode transferEth(Credentials from, String to, BigInteger wei) {
        return sendAndWait(from, to, wei, "", 21_000);
    }

    /** Deploys {@code contract} from Fixtures.sol with ABI-encoded constructor arguments; returns its address. */
    public String deploy(Credentials from, String contract, Type<?>... constructorArgs) {
        String data = "0x" + Contracts.bytecode(contract) + FunctionEncoder.encodeConstructor(List.of(constructorArgs));
        RawTransaction tx = RawTransaction.createTransaction(
                AnvilNode.CHAIN_ID,
                nextNonce(from),
                BigInteger.valueOf(3_000_000),
                "",
                BigInteger.ZERO,
                data,
                BigInteger.ONE,
                GAS_PRICE);
        JsonNode receipt = receipt(sendRaw(TransactionEncoder.signMessage(tx, from)));
        if (!"0x1".equals(receipt.path("status").asText())) {
            throw new IllegalStateException("deploying " + contract + " failed");
        }
        return Hex.lower(receipt.get("contractAddress").asText());
    }

    public static String call(String function, Type<?>... args) {
        return FunctionEncoder.encode(new Function(function, List.of(args), List.of()));
    }

    public static Address addr(String a) {
        return new Address(a);
    }

    public static Uint256 uint(long v) {
        return new Uint256(v);
    }

    public static Uint256 uint(BigInteger v) {
        return new Uint256(v);
    }

    public static Bool bool(boolean b) {
        return new Bool(b);
    }

    /**
     * A type-4 (EIP-7702) transaction sent by {@code sponsor} carrying {@code authority}'s signed
     * authorisation to run {@code delegate}'s code.
     */
    public JsonNode delegate(Credentials sponsor, Credentials authority, String delegate) {
        BigInteger authNonce = Hex.big(node.call("eth_getTransactionCount", address(authority), "latest")
                .asText());
        ECKeyPair key = authority.getEcKeyPair();
        AuthorizationTuple auth = Sign.signAuthorization(AnvilNode.CHAIN_ID, delegate, authNonce, key);
        RawTransaction tx = RawTransaction.createTransaction(
                AnvilNode.CHAIN_ID,
                nextNonce(sponsor),
                BigInteger.ONE,
                GAS_PRICE,
                BigInteger.valueOf(100_000),
                address(sponsor),
                BigInteger.ZERO,
                "0x",
                List.of(),
                List.of(auth));
        return receipt(sendRaw(TransactionEncoder.signMessage(tx, sponsor)));
    }

    public BigInteger balance(String address, String blockHash) {
        return Hex.big(node.call("eth_getBalance", address, Map.of("blockHash", blockHash))
                .asText());
    }

    public BigInteger tokenBalance(String token, String address, String blockHash) {
        return Hex.big(node.call(
                        "eth_call",
                        Map.of("to", token, "data", call("balanceOf", addr(address))),
                        Map.of("blockHash", blockHash))
                .asText());
    }

    public String blockHashOf(JsonNode receipt) {
        return Hex.lower(receipt.get("blockHash").asText());
    }

    public String parentOf(String blockHash) {
        return Hex.lower(node.call("eth_getBlockByHash", blockHash, false)
                .get("parentHash")
                .asText());
    }

    /** Forgets cached nonces (after a reorg or a restart of anvil). */
    public void resetNonces() {
        nonces.clear();
    }
}
