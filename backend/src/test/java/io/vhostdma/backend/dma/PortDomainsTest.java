package io.vhostdma.backend.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vhostdma.dma.memory.DomainId;
import io.vhostdma.dma.memory.Domains;
import org.junit.jupiter.api.Test;

class PortDomainsTest {
    private final PortDomains domains = new PortDomains(new Domains());

    @Test
    void shouldGiveEachPortItsOwnGuestDomainWhenPortsAreAdded() {
        DomainId a = domains.add("a");
        DomainId b = domains.add("b");
        assertNotEquals(a, b);
        assertNotEquals(DomainId.HOST.handle(), a.handle(), "a guest never gets the host's handle");
        assertEquals(a, domains.of("a"));
        assertEquals("b", domains.portOf(b.handle()));
    }

    @Test
    void shouldForgetThePortButGiveItTheSameDomainBackWhenItIsRemovedAndAddedAgain() {
        DomainId first = domains.add("a");
        domains.remove("a");
        assertNull(domains.of("a"));
        assertNull(domains.portOf(first.handle()), "a removed port owns no handle");
        assertEquals(first, domains.add("a"), "the domain derives from the port's name");
    }
}
