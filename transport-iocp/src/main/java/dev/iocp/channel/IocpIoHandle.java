package dev.iocp.channel;

import io.netty.channel.IoHandle;

/**
 * An {@link IoHandle} an {@link IocpIoHandler} can serve: it receives {@link IocpIoEvent}s, the
 * completions of the operations submitted through its {@link IocpIoRegistration}.
 */
public interface IocpIoHandle extends IoHandle {
}
