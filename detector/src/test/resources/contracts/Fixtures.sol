// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Contracts the ingest integration tests deploy on anvil. Compiled at test time with solc-js.

/// Minimal ERC-20: Transfer and Approval with two indexed topics.
contract Token {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    constructor(uint256 supply) { balanceOf[msg.sender] = supply; emit Transfer(address(0), msg.sender, supply); }
    function transfer(address to, uint256 v) external returns (bool) { _move(msg.sender, to, v); return true; }
    function approve(address s, uint256 v) external returns (bool) { allowance[msg.sender][s] = v; emit Approval(msg.sender, s, v); return true; }
    function transferFrom(address f, address to, uint256 v) external returns (bool) {
        uint256 a = allowance[f][msg.sender];
        require(a >= v, "allowance");
        allowance[f][msg.sender] = a - v;
        _move(f, to, v);
        return true;
    }
    // EIP-2612: an allowance granted by the owner's signature, submitted by anyone
    mapping(address => uint256) public nonces;
    bytes32 public constant PERMIT_TYPEHASH = keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(abi.encode(keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
            keccak256(bytes("Test Token")), keccak256(bytes("1")), block.chainid, address(this)));
    }
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external {
        require(block.timestamp <= deadline, "expired");
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", DOMAIN_SEPARATOR(),
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonces[owner]++, deadline))));
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0) && signer == owner, "signature");
        allowance[owner][spender] = value;
        emit Approval(owner, spender, value);
    }
    function _move(address f, address to, uint256 v) internal {
        require(balanceOf[f] >= v, "balance");
        balanceOf[f] -= v; balanceOf[to] += v;
        emit Transfer(f, to, v);
    }
}

/// Minimal ERC-721: Transfer with the token id as a third indexed topic.
contract Nft {
    mapping(uint256 => address) public ownerOf;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => bool)) public isApprovedForAll;
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
    function mint(address to, uint256 id) external { require(ownerOf[id] == address(0), "minted"); ownerOf[id] = to; balanceOf[to] += 1; emit Transfer(address(0), to, id); }
    function setApprovalForAll(address op, bool ok) external { isApprovedForAll[msg.sender][op] = ok; emit ApprovalForAll(msg.sender, op, ok); }
    function transferFrom(address from, address to, uint256 id) external {
        require(ownerOf[id] == from, "owner");
        require(msg.sender == from || isApprovedForAll[from][msg.sender], "approval");
        ownerOf[id] = to; balanceOf[from] -= 1; balanceOf[to] += 1;
        emit Transfer(from, to, id);
    }
}

/// Minimal ERC-1155: TransferSingle and TransferBatch as the standard declares them (receiver hooks left out).
contract MultiToken {
    mapping(uint256 => mapping(address => uint256)) private balances;
    mapping(address => mapping(address => bool)) public isApprovedForAll;
    event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value);
    event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values);
    event ApprovalForAll(address indexed account, address indexed operator, bool approved);
    function balanceOf(address account, uint256 id) external view returns (uint256) { return balances[id][account]; }
    function mintBatch(address to, uint256[] calldata ids, uint256[] calldata values) external {
        require(ids.length == values.length, "length");
        for (uint256 i = 0; i < ids.length; i++) { balances[ids[i]][to] += values[i]; }
        emit TransferBatch(msg.sender, address(0), to, ids, values);
    }
    function setApprovalForAll(address op, bool ok) external { isApprovedForAll[msg.sender][op] = ok; emit ApprovalForAll(msg.sender, op, ok); }
    function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes calldata) external {
        require(from == msg.sender || isApprovedForAll[from][msg.sender], "approval");
        _move(from, to, id, value);
        emit TransferSingle(msg.sender, from, to, id, value);
    }
    function safeBatchTransferFrom(address from, address to, uint256[] calldata ids, uint256[] calldata values, bytes calldata) external {
        require(from == msg.sender || isApprovedForAll[from][msg.sender], "approval");
        require(ids.length == values.length, "length");
        for (uint256 i = 0; i < ids.length; i++) { _move(from, to, ids[i], values[i]); }
        emit TransferBatch(msg.sender, from, to, ids, values);
    }
    function _move(address from, address to, uint256 id, uint256 value) internal {
        require(balances[id][from] >= value, "balance");
        balances[id][from] -= value; balances[id][to] += value;
    }
}

/// Permit2's allowance events, declared as Permit2 (IAllowanceTransfer) declares them and emitted where it
/// emits them. Permit2 checks the owner's signature before a permit; that check is left out here: the
/// ingestor reads the events, not how they came about.
contract Permit2Allowances {
    struct Allowance { uint160 amount; uint48 expiration; uint48 nonce; }
    mapping(address => mapping(address => mapping(address => Allowance))) public allowance;
    event Approval(address indexed owner, address indexed token, address indexed spender, uint160 amount, uint48 expiration);
    event Permit(address indexed owner, address indexed token, address indexed spender, uint160 amount, uint48 expiration, uint48 nonce);
    event Lockdown(address indexed owner, address token, address spender);
    function approve(address token, address spender, uint160 amount, uint48 expiration) external {
        Allowance storage a = allowance[msg.sender][token][spender];
        a.amount = amount; a.expiration = expiration;
        emit Approval(msg.sender, token, spender, amount, expiration);
    }
    function permitUnsigned(address owner, address token, address spender, uint160 amount, uint48 expiration) external {
        Allowance storage a = allowance[owner][token][spender];
        uint48 nonce = a.nonce;
        a.amount = amount; a.expiration = expiration; a.nonce = nonce + 1;
        emit Permit(owner, token, spender, amount, expiration, nonce);
    }
    function lockdown(address token, address spender) external {
        allowance[msg.sender][token][spender].amount = 0;
        emit Lockdown(msg.sender, token, spender);
    }
}

/// Moves ETH in internal calls: one that succeeds, one inside a frame that reverts (caught).
contract Splitter {
    function split(address payable kept, address payable lost) external payable {
        uint256 half = msg.value / 2;
        (bool ok, ) = kept.call{value: half}("");
        require(ok, "send");
        try this.sendThenRevert{value: msg.value - half}(lost) { } catch { }
        (ok, ) = payable(msg.sender).call{value: address(this).balance}("");
        require(ok, "refund");
    }
    function sendThenRevert(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "send");
        revert("always");
    }
    function alwaysRevert(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "send");
        revert("no");
    }
}

/// The code an EIP-7702 delegation points an account at.
contract Delegate {
    function ping() external pure returns (uint256) { return 1; }
}

/// What a drainer points a wallet at with EIP-7702: anyone may call it on the wallet to forward all its ETH.
contract Sweeper {
    function sweep(address payable to) external {
        (bool ok, ) = to.call{value: address(this).balance}("");
        require(ok, "send");
    }
}

/// Benchmark load: one call emits `count` ERC-20 style Transfer logs and pays 10 internal ETH transfers.
contract Spray {
    event Transfer(address indexed from, address indexed to, uint256 value);
    function spray(uint256 count, uint256 seed) external payable {
        for (uint256 i = 0; i < count; i++) {
            emit Transfer(msg.sender, address(uint160(uint256(keccak256(abi.encode(seed, i))))), i + 1);
        }
        if (msg.value > 0) {
            for (uint256 i = 0; i < 10; i++) {
                (bool ok, ) = payable(address(uint160(uint256(keccak256(abi.encode(seed, i, "eth")))))).call{value: msg.value / 10}("");
                require(ok, "send");
            }
        }
    }
}
