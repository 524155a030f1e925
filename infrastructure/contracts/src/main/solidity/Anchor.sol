// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// Publishes the Merkle roots of VeriProof's anchoring batches. Only the deploying account (the
/// deployment's signing key) may anchor, so an Anchored event from this contract is the
/// deployment's own statement. Nothing is stored: the event log is the record, which keeps the
/// gas of an anchor constant whatever the batch size.
contract Anchor {
    address public immutable owner;

    event Anchored(bytes32 root, uint256 treeSize, bytes32 batchId);

    error NotOwner();

    constructor() {
        owner = msg.sender;
    }

    function anchor(bytes32 root, uint256 treeSize, bytes32 batchId) external {
        if (msg.sender != owner) revert NotOwner();
        emit Anchored(root, treeSize, batchId);
    }
}
