package io.vhostdma.backend.ctl;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.WireFormat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * gRPC unary calls over HTTP/2 with Netty alone (NIO; a Unix socket, or TCP with prior knowledge),
 * for vhostctl's start-up time: no Vert.x instance, no DNS client, one event-loop thread. Messages
 * are encoded and decoded with the generated {@link ServiceMethod}'s codecs; the answer's
 * {@code grpc-status} and {@code grpc-message} (from the trailers, or a trailers-only answer) become
 * a {@link CtlException} when not OK. The connection is opened by the first call and shared by later
 * ones.
 */
final class UnaryChannel implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MILLIS = 3000;
    private static final int PREFIX = 5; // gRPC length prefix: compressed flag, 4-byte length
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SocketAddress address;
    private final String authority;
    private final String addressText;
    private final String bearer;
    private Channel connection;

    /**
     * @param unixPath a Unix socket path, or {@code null} for TCP
     * @param host     the TCP host (ignored for a Unix socket)
     * @param port     the TCP port
     */
    UnaryChannel(String unixPath, String host, int port, String addressText, String bearer) {
        this.address = unixPath != null ? UnixDomainSocketAddress.of(unixPath)
                : InetSocketAddress.createUnresolved(host, port);
        this.authority = unixPath != null ? "localhost" : addressText;
        this.addressText = addressText;
        this.bearer = bearer;
    }

    /** One unary call, waited for at most {@code timeoutSeconds}. */
    <Req, Resp> Resp call(ServiceMethod<Resp, Req> method, Req request, long timeoutSeconds) {
        Buffer payload = method.encoder().encode(request, WireFormat.PROTOBUF).payload();
        Answer answer = new Answer();
        try {
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connect()).handler(answer).open()
                    .get(timeoutSeconds, TimeUnit.SECONDS);
            stream.write(new DefaultHttp2HeadersFrame(headers(method)));
            ByteBuf body = Unpooled.buffer(PREFIX + payload.length()).writeByte(0).writeInt(payload.length())
                    .writeBytes(payload.getBytes());
            stream.writeAndFlush(new DefaultHttp2DataFrame(body, true));
            byte[] message = answer.done.get(timeoutSeconds, TimeUnit.SECONDS);
            return method.decoder().decode(GrpcMessage.message("identity", WireFormat.PROTOBUF, Buffer.buffer(message)));
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof CtlException c ? c : CtlException.unreachable(addressText, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw CtlException.unreachable(addressText, new java.util.concurrent.TimeoutException(
                    "no answer within " + timeoutSeconds + " s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CtlException.unreachable(addressText, e);
        }
    }

    private Channel connect() throws InterruptedException, java.util.concurrent.ExecutionException {
        if (connection == null) {
            io.netty.channel.ChannelFuture connected = new Bootstrap().group(group)
                    .channel(address instanceof UnixDomainSocketAddress ? NioDomainSocketChannel.class
                            : NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    })
                    .connect(address);
            connected.get(); // throws the cause when it failed
            connection = connected.channel();
        }
        return connection;
    }

    private Http2Headers headers(ServiceMethod<?, ?> method) {
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").authority(authority)
                .path("/" + method.serviceName().fullyQualifiedName() + "/" + method.methodName());
        h.set("content-type", "application/grpc");
        h.set("te", "trailers");
        if (bearer != null) {
            h.set("authorization", bearer);
        }
        return h;
    }

    /** Collects one answer: its message bytes, completed at the end of the stream with its status. */
    private final class Answer extends SimpleChannelInboundHandler<Http2StreamFrame> {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final CompositeByteBuf data = Unpooled.compositeBuffer();
        private String status;
        private String statusMessage;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            boolean end = false;
            if (frame instanceof Http2HeadersFrame h) {
                CharSequence s = h.headers().get("grpc-status");
                if (s != null) {
                    status = s.toString();
                    CharSequence m = h.headers().get("grpc-message");
                    statusMessage = m == null ? "" : URLDecoder.decode(m.toString().replace("+", "%2B"),
                            StandardCharsets.UTF_8);
                }
                end = h.isEndStream();
            } else if (frame instanceof Http2DataFrame d) {
                data.addComponent(true, d.content().retain());
                end = d.isEndStream();
            }
            if (end) {
                finish();
                ctx.close();
            }
        }

        private void finish() {
            try {
                if (status == null) {
                    done.completeExceptionally(new IOException("the answer has no grpc-status"));
                } else if (!"0".equals(status)) {
                    GrpcStatus code = GrpcStatus.valueOf(Integer.parseInt(status));
                    done.completeExceptionally(CtlException.server(code == null ? status : code.name(), statusMessage));
                } else if (data.readableBytes() < PREFIX || data.getByte(0) != 0
                        || data.getInt(1) != data.readableBytes() - PREFIX) {
                    done.completeExceptionally(new IOException("not one uncompressed gRPC message"));
                } else {
                    done.complete(ByteBufUtil.getBytes(data, PREFIX, data.readableBytes() - PREFIX));
                }
            } finally {
                data.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IOException("the stream closed before its answer ended"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
