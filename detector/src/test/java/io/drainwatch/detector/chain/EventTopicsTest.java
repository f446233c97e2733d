package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Each event signature the decoder matches logs on is the keccak-256 hash that real contracts emit, written
 * out as a literal rather than derived from the decoder, so a typo in a signature string fails here.
 */
class EventTopicsTest {
    @Test
    void erc20And721TransferAndApproval() {
        assertThat(EventTopics.TRANSFER)
                .isEqualTo("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
        assertThat(EventTopics.APPROVAL)
                .isEqualTo("0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");
        assertThat(EventTopics.APPROVAL_FOR_ALL)
                .isEqualTo("0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31");
    }

    @Test
    void erc1155TransferSingleAndBatch() {
        assertThat(EventTopics.TRANSFER_SINGLE)
                .isEqualTo("0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62");
        assertThat(EventTopics.TRANSFER_BATCH)
                .isEqualTo("0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb");
    }

    @Test
    void permit2ApprovalAndPermit() {
        assertThat(EventTopics.PERMIT2_APPROVAL)
                .isEqualTo("0xda9fa7c1b00402c17d0161b249b1ab8bbec047c5a52207b9c112deffd817036b");
        assertThat(EventTopics.PERMIT2_PERMIT)
                .isEqualTo("0xc6a377bfc4eb120024a8ac08eef205be16b817020812c73223e81d1bdb9708ec");
    }

    @Test
    void eip2612PermitSelectorIsTheFirstFourBytesOfTheFunctionsHash() {
        // keccak-256("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)") = 0xd505accfee7b46ac...
        assertThat(PermitCallDecoder.PERMIT_SELECTOR).isEqualTo("0xd505accf");
    }
}
